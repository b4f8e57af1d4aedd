package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/text/encoding/charmap"

	"joinedup/internal/access"
	"joinedup/internal/casework"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/session"
)

// The decision letter downloads as a PDF that passes pdfcpu's strict validation, is
// tagged, and says what the HTML letter says: the decision, the reasons and the last
// day to appeal, to staff and to the family alike; each download is an audited read.
func TestLetterPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, w := matrixServer(t, d)
		path := w.leoLetter(t, d, "/staff/children/"+w.leo+"/ehc/letters/{lid}/letter.pdf")
		amira, err := access.LoadActor(t.Context(), d, w.amira)
		if err != nil {
			t.Fatal(err)
		}
		c, err := casework.Get(t.Context(), d, amira, w.leo, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		l := c.Letters[0]
		for _, who := range []struct{ name, person, path string }{
			{"coordinator", w.amira, path},
			{"parent", w.sarah, strings.Replace(path, "/staff/", "/family/", 1)},
		} {
			before := auditRows(t, d, who.person, w.leo)
			status, body, _ := flowClient(t, h, d, who.person)("GET", who.path, nil)
			if status != 200 {
				t.Fatalf("%s: %d", who.name, status)
			}
			if n := auditRows(t, d, who.person, w.leo) - before; n != 1 {
				t.Errorf("%s: %d audit rows for the download, want 1", who.name, n)
			}
			rec := flowRecorder(t, h, d, who.person, who.path)
			if ct := rec.Header().Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("%s: Content-Type %q", who.name, ct)
			}
			want := `attachment; filename="decision-letter-` + l.DecisionOn.Time().Format("2006-01-02") + `.pdf"`
			if cd := rec.Header().Get("Content-Disposition"); cd != want {
				t.Errorf("%s: Content-Disposition %q, want %q", who.name, cd, want)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", who.name, cc)
			}
			conf := model.NewDefaultConfiguration()
			conf.ValidationMode = model.ValidationStrict
			ctx, err := api.ReadContext(strings.NewReader(body), conf)
			if err != nil {
				t.Fatalf("%s: %v", who.name, err)
			}
			if err := api.ValidateContext(ctx); err != nil {
				t.Fatalf("%s: strict validation: %v", who.name, err)
			}
			if !bytes.Contains([]byte(body), []byte("/StructTreeRoot")) || !bytes.Contains([]byte(body), []byte("/Marked true")) {
				t.Errorf("%s: the PDF is not tagged", who.name)
			}
			text := pdfText(t, ctx)
			for _, s := range []string{
				"Decision letter", c.ChildName, "The council has decided " + casework.LetterWords[l.Kind],
				l.Reasons, "The last day to appeal is " + dateWords(l.AppealBy.Due), "Civil Procedure Rules 6.26",
			} {
				if !strings.Contains(text, s) {
					t.Errorf("%s: the PDF does not say %q:\n%s", who.name, s, text)
				}
			}
		}
	})
}

// flowRecorder is flowClient's request, returning the whole response.
func flowRecorder(t *testing.T, h http.Handler, d *db.DB, person, path string) *httptest.ResponseRecorder {
	t.Helper()
	secret, _, err := session.Create(t.Context(), d, person, "test", "pdf", session.StaffTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

var (
	shown   = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\) Tj`)
	escaped = regexp.MustCompile(`\\([0-7]{3}|.)`)
)

// pdfText is the text shown on every page, in order. Lines that end between words
// end with a space, so the lines joined are the text.
func pdfText(t *testing.T, ctx *model.Context) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= ctx.PageCount; i++ {
		pd, _, _, err := ctx.PageDict(i, false)
		if err != nil {
			t.Fatal(err)
		}
		content, err := ctx.PageContent(pd, i)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range shown.FindAllSubmatch(content, -1) {
			s := escaped.ReplaceAllFunc(m[1], func(e []byte) []byte {
				if n, err := strconv.ParseUint(string(e[1:]), 8, 8); err == nil {
					return []byte{byte(n)} // \ddd: a WinAnsi byte
				}
				return e[1:]
			})
			u, err := charmap.Windows1252.NewDecoder().Bytes(s)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(u)
		}
	}
	return b.String()
}
