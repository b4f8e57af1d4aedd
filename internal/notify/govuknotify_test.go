package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// An API key as Notify shows it: {key_name}-{service id}-{secret key}; the
// name may hold hyphens.
const (
	testServiceID = "26785a09-ab16-4eb0-8407-a37497a57506"
	testSecret    = "3d844edf-8d35-48ac-975b-e847b4f122b0"
	testAPIKey    = "joinedup-test-key-" + testServiceID + "-" + testSecret
	testTemplate  = "f33517ff-2a88-4f6e-b855-c550268ce08a"
)

// fakeNotify stands in for GOV.UK Notify's POST /v2/notifications/email. It
// checks the token and the payload as Notify documents them and answers with
// the statuses it is told to, then 201.
type fakeNotify struct {
	*httptest.Server
	secret string // the secret it verifies tokens with

	mu       sync.Mutex
	statuses []int
	got      []notifyPayload
	problems []string
}

type notifyPayload struct {
	EmailAddress    string            `json:"email_address"`
	TemplateID      string            `json:"template_id"`
	Personalisation map[string]string `json:"personalisation"`
	Reference       string            `json:"reference"`
}

func startFakeNotify(t *testing.T, statuses ...int) *fakeNotify {
	f := &fakeNotify{secret: testSecret, statuses: statuses}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeNotify) serve(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, kind, msg string) {
		f.mu.Lock()
		f.problems = append(f.problems, msg)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"status_code": %d, "errors": [{"error": %q, "message": %q}]}`, status, kind, msg)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v2/notifications/email" {
		fail(404, "NotFound", r.Method+" "+r.URL.Path)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		fail(400, "BadRequestError", "Content-Type "+ct)
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		fail(401, "AuthError", "Unauthorized: authentication token must be provided")
		return
	}
	if msg := verifyToken(token, f.secret, time.Now()); msg != "" {
		fail(403, "AuthError", msg)
		return
	}
	var p notifyPayload
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		fail(400, "ValidationError", err.Error())
		return
	}
	if p.EmailAddress == "" || p.TemplateID != testTemplate || p.Personalisation["subject"] == "" ||
		p.Personalisation["body"] == "" || len(p.Personalisation) != 2 {
		fail(400, "ValidationError", fmt.Sprintf("bad payload %+v", p))
		return
	}
	f.mu.Lock()
	f.got = append(f.got, p)
	status := http.StatusCreated
	if len(f.statuses) > 0 {
		status, f.statuses = f.statuses[0], f.statuses[1:]
	}
	n := len(f.got)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case status == http.StatusCreated:
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"id": "740e5834-3a29-46b4-9a6f-16142fde5%03d", "reference": %q, "content": {"subject": "s", "body": "b", "from_email": "x@notifications.service.gov.uk"}}`, n, p.Reference)
	case status == 400:
		w.WriteHeader(status)
		fmt.Fprint(w, `{"status_code": 400, "errors": [{"error": "BadRequestError", "message": "Can't send to this recipient using a team-only API key"}]}`)
	case status == 429:
		w.WriteHeader(status)
		fmt.Fprint(w, `{"status_code": 429, "errors": [{"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"}]}`)
	default:
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"status_code": %d, "errors": [{"error": "Exception", "message": "Internal server error"}]}`, status)
	}
}

// verifyToken checks a Notify bearer token independently of the code that
// makes it: an HS256 JWT signed with secret, iss the service id, iat within
// 30 seconds of now. It returns what is wrong, or "".
func verifyToken(token, secret string, now time.Time) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "Invalid token: not a JWT"
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return "Invalid token: signature, api token not found"
	}
	var header struct{ Alg, Typ string }
	if b, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(b, &header) != nil ||
		header.Alg != "HS256" || header.Typ != "JWT" {
		return "Invalid token: header"
	}
	var claims map[string]any
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(b, &claims) != nil {
		return "Invalid token: claims"
	}
	if claims["iss"] != testServiceID {
		return fmt.Sprintf("Invalid token: iss %v", claims["iss"])
	}
	iat, ok := claims["iat"].(float64)
	if !ok || iat != float64(int64(iat)) {
		return "Invalid token: iat is not epoch seconds"
	}
	if d := now.Sub(time.Unix(int64(iat), 0)); d > 30*time.Second || d < -30*time.Second {
		return "Error: Your system clock must be accurate to within 30 seconds"
	}
	return ""
}

func notifySender(f *fakeNotify) *NotifySender {
	return &NotifySender{BaseURL: f.URL, APIKey: testAPIKey, TemplateID: testTemplate}
}

func testEmail() Email {
	m := good()
	return Email{ID: "11111111-2222-3333-4444-555555555555", To: m.To, Subject: m.Subject, Body: Body(m), Reference: m.Reference}
}

// The signing matches jwt.io's well-known HS256 example token byte for byte.
func TestSignHS256KnownAnswer(t *testing.T) {
	got := signHS256([]byte(`{"alg":"HS256","typ":"JWT"}`), []byte(`{"sub":"1234567890","name":"John Doe","iat":1516239022}`),
		[]byte("your-256-bit-secret"))
	want := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	if got != want {
		t.Fatalf("signHS256 =\n%s\nwant\n%s", got, want)
	}
}

func TestNotifyKey(t *testing.T) {
	svc, secret, err := notifyKey(testAPIKey)
	if err != nil || svc != testServiceID || secret != testSecret {
		t.Fatalf("notifyKey = %q, %q, %v", svc, secret, err)
	}
	// The example of Notify's REST API documentation.
	svc, secret, err = notifyKey("my_test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0")
	if err != nil || svc != "26785a09-ab16-4eb0-8407-a37497a57506" || secret != "3d844edf-8d35-48ac-975b-e847b4f122b0" {
		t.Fatalf("notifyKey(doc example) = %q, %q, %v", svc, secret, err)
	}
	for _, bad := range []string{
		"",
		testSecret,
		"name-" + testServiceID,
		"name-" + testServiceID + "-not-a-uuid-at-all-xxxxxxxxxxxxxxxxxxx",
		"name-not-a-uuid-at-all-xxxxxxxxxxxxxxxxxxx-" + testSecret,
		"name" + testServiceID + "-" + testSecret,
	} {
		if _, _, err := notifyKey(bad); err == nil {
			t.Errorf("notifyKey(%q) accepted", bad)
		}
	}
	if err := (&NotifySender{APIKey: testAPIKey, TemplateID: testTemplate}).Check(); err != nil {
		t.Errorf("Check = %v", err)
	}
	if err := (&NotifySender{APIKey: testAPIKey, TemplateID: "welcome"}).Check(); err == nil {
		t.Error("Check accepted a template id that is not a UUID")
	}
}

func TestNotifySenderPostsWhatNotifyExpects(t *testing.T) {
	f := startFakeNotify(t)
	e := testEmail()
	id, err := notifySender(f).Send(context.Background(), e)
	if err != nil || id != "740e5834-3a29-46b4-9a6f-16142fde5001" {
		t.Fatalf("Send = %q, %v (stand-in saw %v)", id, err, f.problems)
	}
	if len(f.got) != 1 {
		t.Fatalf("stand-in got %d requests", len(f.got))
	}
	p := f.got[0]
	if p.EmailAddress != e.To || p.TemplateID != testTemplate || p.Personalisation["subject"] != e.Subject ||
		p.Personalisation["body"] != e.Body || p.Reference != e.Reference {
		t.Fatalf("payload = %+v", p)
	}
}

// The stand-in is a real check: a token signed with another secret, or
// issued over 30 seconds ago, is refused, and that refusal is permanent.
func TestNotifyStandInRefusesBadTokens(t *testing.T) {
	f := startFakeNotify(t)
	other := &NotifySender{BaseURL: f.URL, TemplateID: testTemplate,
		APIKey: "k-" + testServiceID + "-00000000-0000-4000-8000-000000000000"}
	_, err := other.Send(context.Background(), testEmail())
	if err == nil || !IsPermanent(err) || !strings.Contains(err.Error(), "403") {
		t.Fatalf("wrong secret: %v", err)
	}
	late := notifySender(f)
	late.Now = func() time.Time { return time.Now().Add(-45 * time.Second) }
	_, err = late.Send(context.Background(), testEmail())
	if err == nil || !strings.Contains(err.Error(), "30 seconds") {
		t.Fatalf("stale iat: %v", err)
	}
	if len(f.got) != 0 {
		t.Fatalf("the stand-in accepted %d bad requests", len(f.got))
	}
}

func TestNotifySenderSortsFailures(t *testing.T) {
	cases := []struct {
		status    int
		permanent bool
	}{
		{400, true},
		{403, true},
		{404, true},
		{429, false},
		{500, false},
		{503, false},
	}
	for _, c := range cases {
		f := startFakeNotify(t, c.status)
		_, err := notifySender(f).Send(context.Background(), testEmail())
		if err == nil || IsPermanent(err) != c.permanent || !strings.Contains(err.Error(), fmt.Sprint(c.status)) {
			t.Errorf("status %d: err %v, permanent %v, want permanent %v", c.status, err, IsPermanent(err), c.permanent)
		}
		if strings.Contains(err.Error(), "Amira") {
			t.Errorf("status %d: the error holds the message: %v", c.status, err)
		}
	}
	// Nobody answering is worth another try.
	f := startFakeNotify(t)
	url := f.URL
	f.Close()
	_, err := (&NotifySender{BaseURL: url, APIKey: testAPIKey, TemplateID: testTemplate}).Send(context.Background(), testEmail())
	if err == nil || IsPermanent(err) {
		t.Fatalf("connection refused: %v", err)
	}
}

func TestWorkerWithNotify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		f := startFakeNotify(t, 429, 500) // then 201
		id := enqueue(t, d, good())
		w := &Worker{DB: d, Sender: notifySender(f)}
		for i, wantSent := range []int{0, 0, 1} {
			sent, failed, err := w.RunOnce(ctx)
			if err != nil || sent != wantSent || failed != 0 {
				t.Fatalf("run %d = %d, %d, %v", i, sent, failed, err)
			}
			testClock.Advance(time.Hour)
		}
		row := getRow(t, d, id)
		if row.Status != "sent" || row.Attempts != 3 || row.ProviderID.String != "740e5834-3a29-46b4-9a6f-16142fde5003" {
			t.Fatalf("row = %+v", row)
		}

		f = startFakeNotify(t, 400)
		id = enqueue(t, d, good())
		w.Sender = notifySender(f)
		if sent, failed, err := w.RunOnce(ctx); sent != 0 || failed != 1 || err != nil {
			t.Fatalf("400: %d, %d, %v", sent, failed, err)
		}
		row = getRow(t, d, id)
		if row.Status != "failed" || row.Attempts != 1 || !strings.Contains(row.LastError.String, "400 BadRequestError") {
			t.Fatalf("row = %+v", row)
		}
	})
}
