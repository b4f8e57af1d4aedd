package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/waitlist/store"
)

// bulkShown is how many of the longest waiters the transfer page offers at once.
const bulkShown = 200

// bulkPage is the choice of long waiters to transfer to an independent provider.
type bulkPage struct {
	Pathways []store.Pathway
	Pathway  store.Pathway
	Breach   string
	Breaches []waitsOption
	Entries  []store.Entry
	Total    int
	Chosen   []string
	Provider string
	Date     dateParts
	Errors   []apperr.Field
	Done     int
	None     bool
}

func (p bulkPage) IsChosen(id string) bool { return slices.Contains(p.Chosen, id) }

func (s *server) waitsTransferForm(w http.ResponseWriter, r *http.Request) {
	p := bulkPage{Breach: r.URL.Query().Get("breach")}
	p.Done, _ = strconv.Atoi(r.URL.Query().Get("done"))
	s.waitsBulkRender(w, r, p)
}

// waitsTransfer moves the chosen children to the provider, all or none.
func (s *server) waitsTransfer(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	r.ParseForm()
	p := bulkPage{Breach: r.PostFormValue("breach"), Chosen: r.PostForm["referral"], Provider: strings.TrimSpace(r.PostFormValue("provider")), Date: partsOf(r, "date")}
	on, err := p.Date.date()
	if err != nil {
		p.Errors = []apperr.Field{{Name: "date", Message: strings.ToUpper(err.Error()[:1]) + err.Error()[1:]}}
		s.waitsBulkRender(w, r, p)
		return
	}
	n, err := store.BulkTransfer(r.Context(), s.db, a, p.Chosen, p.Provider, on, todayOf())
	if fs := invalidFields(err); fs != nil {
		for i := range fs {
			if strings.HasPrefix(fs[i].Name, "referrals") {
				fs[i].Name = "referral"
			}
		}
		p.Errors = waitsFields(fs)
		s.waitsBulkRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/waits/transfer?"+url.Values{"pathway": {r.PostFormValue("pathway")}, "done": {strconv.Itoa(n)}}.Encode(), http.StatusSeeOther)
}

func (s *server) waitsBulkRender(w http.ResponseWriter, r *http.Request, p bulkPage) {
	a, _ := actorOf(r.Context())
	ps, pw, ok, err := s.waitsPathway(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Pathways, p.Pathway, p.None = ps, pw, !ok
	if !slices.Contains([]string{"18", "36", "52", "104"}, p.Breach) {
		p.Breach = "52"
	}
	p.Breaches = options([]string{"18", "36", "52", "104"}, func(b string) string { return "Over " + b + " weeks" }, p.Breach)
	if ok {
		_, entries, total, err := store.Page(r.Context(), s.db, a, pw.ID, todayOf(), store.Filter{Breach: p.Breach}, 0, bulkShown)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Entries, p.Total = entries, total
	}
	s.renderForm(w, r, "waits-transfer.html", p, p.Errors)
}

// checksPage is what validation found on a list.
type checksPage struct {
	Pathways []store.Pathway
	Pathway  store.Pathway
	Groups   []checkGroup
	None     bool
}

type checkGroup struct {
	Kind, Title, Empty string
	Problems           []store.Problem
}

func (s *server) waitsChecks(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	ps, pw, ok, err := s.waitsPathway(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := checksPage{Pathways: ps, Pathway: pw, None: !ok}
	if ok {
		_, problems, err := store.Checks(r.Context(), s.db, a, pw.ID, todayOf())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Groups = []checkGroup{
			{Kind: "duplicate", Title: "Possible duplicates", Empty: "No child is on this list twice."},
			{Kind: "moved_away", Title: "Children who may have moved away", Empty: "Every child lives in the partnership's area."},
			{Kind: "seen_elsewhere", Title: "Children already seen elsewhere", Empty: "No child waiting has been seen elsewhere."},
		}
		for i := range p.Groups {
			for _, x := range problems {
				if x.Kind == p.Groups[i].Kind {
					p.Groups[i].Problems = append(p.Groups[i].Problems, x)
				}
			}
		}
	}
	s.page(w, r, "waits-checks.html", p)
}
