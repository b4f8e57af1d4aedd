package web

import (
	"net/http"
	"net/url"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/waitlist/store"
)

// typicalMinimum is the fewest recent completions a typical wait is shown
// from: fewer could point at one family's experience, and says little.
const typicalMinimum = 10

// familyWait is one of the child's waiting lists as the family sees it.
type familyWait struct {
	store.ChildReferral
	TypicalDays, TypicalCount int // the median wait of recent completions, and how many; TypicalCount 0 when too few
	Support                   collectionList
}

// familyWaitsPage is the family's view of their child's waiting lists.
type familyWaitsPage struct {
	ChildID, Name string
	Waits         []familyWait
	Referral      string // the list a message is about, as chosen
	Body          string
	Errors        []apperr.Field
	Sent          bool
	MaxMessage    int
}

// supportCollection is the Local Offer collection of support while you wait for a service.
func supportCollection(service string) [2]string {
	switch service {
	case "autism", "adhd", "neurodevelopmental", "camhs":
		return [2]string{collectionAutism, "Support while you wait for an autism or ADHD assessment"}
	}
	return [2]string{collectionTherapy, "Support while you wait for therapy"}
}

func (s *server) familyWaits(w http.ResponseWriter, r *http.Request) {
	s.familyWaitsRender(w, r, familyWaitsPage{Sent: r.URL.Query().Get("sent") == "1"})
}

// familyWaitsChanged sends the team the family's message that things changed.
func (s *server) familyWaitsChanged(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := familyWaitsPage{Referral: r.PostFormValue("referral"), Body: r.PostFormValue("body")}
	err := store.TellTeam(r.Context(), s.db, a, r.PathValue("id"), p.Referral, p.Body)
	if fs := invalidFields(err); fs != nil {
		p.Errors = waitsFields(fs)
		s.familyWaitsRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/family/children/"+url.PathEscape(r.PathValue("id"))+"/waits?sent=1", http.StatusSeeOther)
}

func (s *server) familyWaitsRender(w http.ResponseWriter, r *http.Request, p familyWaitsPage) {
	a, _ := actorOf(r.Context())
	today := todayOf()
	name, refs, err := store.ChildReferrals(r.Context(), s.db, a, r.PathValue("id"), access.FamilyView, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.ChildID, p.Name, p.MaxMessage = r.PathValue("id"), name, store.MaxMessage
	for _, ref := range refs {
		fw := familyWait{ChildReferral: ref}
		// The family's messages go to the team; this page does not show them back.
		fw.Messages = nil
		med, n, err := store.TypicalWait(r.Context(), s.db, ref.Pathway.ID, today)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if n >= typicalMinimum {
			fw.TypicalDays, fw.TypicalCount = med, n
		}
		c, err := s.collections(r.Context(), supportCollection(ref.Pathway.Service))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(c.Lists) > 0 {
			fw.Support = c.Lists[0]
			fw.Support.Results = fw.Support.Results[:min(len(fw.Support.Results), 5)]
		}
		p.Waits = append(p.Waits, fw)
	}
	if p.Referral == "" && len(p.Waits) == 1 {
		p.Referral = p.Waits[0].ReferralID
	}
	p.Body = strings.TrimSpace(p.Body)
	s.renderForm(w, r, "waits-family.html", p, p.Errors)
}
