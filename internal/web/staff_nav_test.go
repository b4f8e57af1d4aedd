package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/session"
)

// The staff navigation (the caseload page every member of staff lands on)
// offers each page behind a permission to exactly the people whose role
// carries the permission the route table asks of it: nobody is offered a
// page that refuses them, and nobody lacks the way to one they may use.
// Early-years notifications (Children and Families Act 2014 s23) have three
// parts: health tells the council (earlyyears.notify), the SEND team acts on
// it (earlyyears.manage), the DCO and managers see the totals (earlyyears.report).
func TestStaffNavigationFollowsPermissions(t *testing.T) {
	links := []string{"/staff/waits", "/staff/advice", "/staff/advice-assurance", "/staff/advice-dashboard", "/staff/transfers",
		"/staff/alerts", "/staff/early-years/notify", "/staff/early-years", "/staff/early-years/summary", "/staff/break-glass"}
	permission := map[string]access.Permission{}
	for _, rt := range Routes() {
		permission[rt.Pattern] = access.Permission(rt.Permission)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h, _ := matrixServer(t, d)
		seen := map[string]bool{}
		for _, p := range demo.Personas() {
			a, err := access.LoadActor(ctx, d, one(t, d, "SELECT id FROM people WHERE email = $1", p.Email))
			if err != nil {
				t.Fatal(err)
			}
			if !a.May(access.CaseView) { // families and the Local Offer's people have no caseload
				continue
			}
			secret, _, err := session.Create(ctx, d, a.PersonID, "test", "navigation", session.StaffTimeouts)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/staff/caseload", nil)
			r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				t.Fatalf("the caseload page as %s: %d", p.Name, w.Code)
			}
			for _, link := range links {
				perm, ok := permission["GET "+link]
				if !ok {
					t.Fatalf("no route GET %s", link)
				}
				shown := strings.Contains(w.Body.String(), `href="`+link+`"`)
				if shown != a.May(perm) {
					t.Errorf("%s (%s): link to %s shown %v, but %s is %v for them", p.Name, a.RoleTitle(), link, shown, perm, a.May(perm))
				}
				seen[link] = seen[link] || shown
			}
		}
		for _, link := range links { // else the test proves nothing for it
			if !seen[link] {
				t.Errorf("no demo person is offered %s", link)
			}
		}
	})
}
