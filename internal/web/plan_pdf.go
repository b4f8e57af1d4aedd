package web

import (
	"fmt"
	"net/http"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/plan"
)

// planPDF serves the plan as a tagged PDF to keep or print: the version the
// HTML page shows (staff: the one being written, else the latest issued;
// families: the latest issued), read with the same permission and audit row
// (plan.Get), so a hidden plan and a missing one are the same 404.
func (s *server) planPDF(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	perm := readPermission(a)
	v, err := plan.Get(r.Context(), s.db, a, r.PathValue("id"), perm)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc := v.Current()
	if w := v.Working(); w != nil && perm == access.CaseView {
		doc = w
	}
	if doc == nil {
		s.fail(w, r, apperr.Errorf(apperr.NotFound, "there is no plan for this child yet"))
		return
	}
	s.sendPDF(w, r, plan.Document(*doc, v.ChildName, v.Team), fmt.Sprintf("ehc-plan-%s-version-%d.pdf", doc.Kind, doc.Version))
}
