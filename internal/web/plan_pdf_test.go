package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"joinedup/internal/access"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/plan"
)

// The plan downloads as a PDF that passes pdfcpu's strict validation, is
// tagged, and says what the HTML plan says: each section's heading (reg 12
// [to verify]), the provision with who, how often and for how long, and the
// setting named; to staff and to the family alike, each download an audited read.
func TestPlanPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, w := matrixServer(t, d)
		amira, err := access.LoadActor(t.Context(), d, w.amira)
		if err != nil {
			t.Fatal(err)
		}
		v, err := plan.Get(t.Context(), d, amira, w.leo, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		p := v.Current()
		if p == nil || p.Kind != plan.Final || len(p.In("F")) == 0 || p.Setting == "" {
			t.Fatalf("Leo's demo plan: %+v", p)
		}
		f := p.In("F")[0]
		for _, who := range []struct{ name, person, path string }{
			{"coordinator", w.amira, "/staff/children/" + w.leo + "/ehc/plan.pdf"},
			{"parent", w.sarah, "/family/children/" + w.leo + "/ehc/plan.pdf"},
		} {
			before := auditRows(t, d, who.person, w.leo)
			rec := flowRecorder(t, h, d, who.person, who.path)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s: %d %q", who.name, rec.Code, rec.Header().Get("Content-Type"))
			}
			if n := auditRows(t, d, who.person, w.leo) - before; n != 1 {
				t.Errorf("%s: %d audit rows for the download, want 1", who.name, n)
			}
			if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="ehc-plan-final-version-1.pdf"` {
				t.Errorf("%s: Content-Disposition %q", who.name, cd)
			}
			body := rec.Body.String()
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
			text := strings.Join(strings.Fields(pdfText(t, ctx)), " ")
			for _, s := range []string{"Final EHC plan", "Section A:", "Section K: Advice and information", f.Who, f.HowOften, p.Setting} {
				if !strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
					t.Errorf("%s: the PDF does not say %q:\n%s", who.name, s, text)
				}
			}
		}
		// A child out of reach is the same 404 as a missing one.
		if rec := flowRecorder(t, h, d, w.amira, "/staff/children/"+w.stranger+"/ehc/plan.pdf"); rec.Code != 404 {
			t.Errorf("a child out of reach: %d", rec.Code)
		}
	})
}
