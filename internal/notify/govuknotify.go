package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// NotifyBaseURL is GOV.UK Notify's API.
const NotifyBaseURL = "https://api.notifications.service.gov.uk"

// NotifySender sends through GOV.UK Notify's REST API
// (https://docs.notifications.service.gov.uk/rest-api.html). The template
// must be an email template whose subject is ((subject)) and whose body is
// ((body)): joinedup writes the words, Notify delivers them.
type NotifySender struct {
	BaseURL    string // default NotifyBaseURL
	APIKey     string // as Notify shows it: {key_name}-{service id}-{secret key}
	TemplateID string
	Client     *http.Client // default: 30-second timeout, no redirects
	// Now is the clock for the token's iat, which Notify checks against its
	// own within 30 seconds; default time.Now. Not db.Now: this must be real.
	Now func() time.Time
}

// notifyKey splits a Notify API key, "{key_name}-{service id}-{secret key}",
// into the service id (the token's issuer) and the secret that signs it.
// The key name may itself hold hyphens, so both UUIDs are taken from the end.
func notifyKey(key string) (serviceID, secret string, err error) {
	key = strings.TrimSpace(key)
	const u = 36 // length of a UUID
	if len(key) < 2*u+1 || key[len(key)-u-1] != '-' {
		return "", "", errors.New("the Notify API key is not in the form {key name}-{service id}-{secret key}")
	}
	serviceID, secret = key[len(key)-2*u-1:len(key)-u-1], key[len(key)-u:]
	if _, err := uuid.Parse(serviceID); err != nil {
		return "", "", errors.New("the Notify API key does not hold a service id where it should")
	}
	if _, err := uuid.Parse(secret); err != nil {
		return "", "", errors.New("the Notify API key does not end with a secret key")
	}
	if len(key) > 2*u+1 && key[len(key)-2*u-2] != '-' {
		return "", "", errors.New("the Notify API key is not in the form {key name}-{service id}-{secret key}")
	}
	return serviceID, secret, nil
}

// Check reports a configuration that cannot work, for the wiring to refuse at startup.
func (n *NotifySender) Check() error {
	if _, _, err := notifyKey(n.APIKey); err != nil {
		return err
	}
	if _, err := uuid.Parse(n.TemplateID); err != nil {
		return errors.New("the Notify template id is not a UUID")
	}
	return nil
}

// notifyToken is the bearer token for one request: a JWT, HS256, header
// {"typ":"JWT","alg":"HS256"}, claims iss (the service id) and iat (now, in
// epoch seconds), signed with the secret key as it is written.
func notifyToken(serviceID, secret string, now time.Time) string {
	header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "HS256"})
	claims, _ := json.Marshal(struct {
		Iss string `json:"iss"`
		Iat int64  `json:"iat"`
	}{serviceID, now.Unix()})
	return signHS256(header, claims, []byte(secret))
}

// signHS256 returns the compact JWS of header and claims (RFC 7515, 7519).
func signHS256(header, claims, key []byte) string {
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

type notifyEmail struct {
	EmailAddress    string            `json:"email_address"`
	TemplateID      string            `json:"template_id"`
	Personalisation map[string]string `json:"personalisation"`
	Reference       string            `json:"reference,omitempty"`
}

// Send posts e to Notify. A 4xx reply other than 429 is permanent (a bad
// address, a trial-mode or team key, a wrong key or template: retrying the
// same request cannot succeed); 429, 5xx and network failures are retried.
func (n *NotifySender) Send(ctx context.Context, e Email) (string, error) {
	serviceID, secret, err := notifyKey(n.APIKey)
	if err != nil {
		return "", Permanent(fmt.Errorf("notify: %v", err))
	}
	payload, err := json.Marshal(notifyEmail{
		EmailAddress:    e.To,
		TemplateID:      n.TemplateID,
		Personalisation: map[string]string{"subject": e.Subject, "body": e.Body},
		Reference:       e.Reference,
	})
	if err != nil {
		return "", Permanent(err)
	}
	base := strings.TrimRight(cmp(n.BaseURL, NotifyBaseURL), "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v2/notifications/email", bytes.NewReader(payload))
	if err != nil {
		return "", Permanent(fmt.Errorf("notify: %v", err))
	}
	now := time.Now
	if n.Now != nil {
		now = n.Now
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+notifyToken(serviceID, secret, now()))
	req.Header.Set("User-Agent", "joinedup")
	client := n.Client
	if client == nil {
		// No redirects: the bearer token must go to Notify's address only.
		client = &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		// Not knowing whether Notify took it, try again: at least once.
		return "", fmt.Errorf("notify: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		var ok struct {
			ID string `json:"id"`
		}
		json.Unmarshal(body, &ok) // accepted either way: never send it again
		return ok.ID, nil
	}
	err = fmt.Errorf("notify: %d %s", resp.StatusCode, notifyErrors(body))
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
		return "", Permanent(err)
	}
	return "", err
}

// notifyErrors summarises Notify's error body,
// {"status_code": 400, "errors": [{"error": "BadRequestError", "message": "…"}]}.
func notifyErrors(body []byte) string {
	var r struct {
		Errors []struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &r) != nil || len(r.Errors) == 0 {
		return "(no error detail)"
	}
	parts := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		parts[i] = e.Error + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}
