package edits_test

import (
	"context"
	"slices"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer"
	"joinedup/internal/offer/edits"
)

// world is the tiny demo with the people the tests act as: Rachel Evans,
// SENCO and provider of Brookfield's entry; a SENCO of another school that
// provides an entry; Marcus Reid, the Local Offer editor; Amira Hussain, a
// coordinator with no Local Offer role.
type world struct {
	d                                 *db.DB
	rachel, other, marcus, amira      access.Actor
	brookfield, otherSvc, unlinkedSvc string
}

func newWorld(t *testing.T, d *db.DB) world {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := d.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	actor := func(id string) access.Actor {
		t.Helper()
		a, err := access.LoadActor(ctx, d, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	persona := func(name string) access.Actor {
		for _, p := range demo.Personas() {
			if p.Name == name {
				return actor(one("SELECT id FROM people WHERE email = $1", p.Email))
			}
		}
		t.Fatalf("no persona %s", name)
		return access.Actor{}
	}
	w := world{d: d, rachel: persona("Rachel Evans"), marcus: persona("Marcus Reid"), amira: persona("Amira Hussain")}
	w.brookfield = one(`SELECT s.id FROM offer_services s JOIN offer_provider_members m ON m.offer_organization_id = s.organization_id
		WHERE m.organisation_id = $1`, w.rachel.TeamID)
	w.other = actor(one(`SELECT g.person_id FROM role_grants g JOIN people p ON p.id = g.person_id
		WHERE g.role = 'offer_provider' AND p.organisation_id <> $1 ORDER BY g.person_id LIMIT 1`, w.rachel.TeamID))
	w.otherSvc = one(`SELECT s.id FROM offer_services s JOIN offer_provider_members m ON m.offer_organization_id = s.organization_id
		WHERE m.organisation_id = $1 ORDER BY s.id LIMIT 1`, w.other.TeamID)
	w.unlinkedSvc = one(`SELECT MIN(s.id) FROM offer_services s WHERE s.organization_id NOT IN (SELECT offer_organization_id FROM offer_provider_members)`)
	return w
}

func codeIs(t *testing.T, what string, err error, want apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != want || err == nil {
		t.Errorf("%s: %v (code %q), want code %q", what, err, got, want)
	}
}

func fieldsOf(err error) []string {
	var out []string
	if e, ok := err.(*apperr.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Name)
		}
	}
	return out
}

// A provider reaches its own organisation's services only; another's, like
// a missing one, is NotFound, and so is every service for staff without the role.
func TestProvidersReachOnlyTheirOwnServices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		st := &edits.Store{DB: d}
		list, err := st.Services(ctx, w.rachel)
		if err != nil || len(list) == 0 {
			t.Fatalf("Rachel's services: %v %v", list, err)
		}
		for _, s := range list {
			if s.Organization != "Brookfield Primary School" {
				t.Errorf("Rachel sees %s of %s", s.Name, s.Organization)
			}
		}
		if list, _ := st.Services(ctx, w.amira); len(list) != 0 {
			t.Errorf("a coordinator sees %d services to edit", len(list))
		}
		f := edits.Form{Name: "Taken over"}
		for _, c := range []struct {
			who access.Actor
			svc string
		}{{w.rachel, w.otherSvc}, {w.rachel, w.unlinkedSvc}, {w.rachel, "00000000-0000-4000-8000-000000000000"}, {w.amira, w.brookfield}, {w.other, w.brookfield}} {
			_, err := st.ForProvider(ctx, c.who, c.svc)
			codeIs(t, c.who.Name+" reading "+c.svc, err, apperr.NotFound)
			_, err = st.Propose(ctx, c.who, c.svc, f)
			codeIs(t, c.who.Name+" editing "+c.svc, err, apperr.NotFound)
			_, err = st.History(ctx, c.who, c.svc)
			codeIs(t, c.who.Name+" reading the history of "+c.svc, err, apperr.NotFound)
			codeIs(t, c.who.Name+" confirming "+c.svc, st.Confirm(ctx, c.who, c.svc), apperr.NotFound)
		}
		if _, err := st.Queue(ctx, w.rachel); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a provider reads the moderation queue: %v", err)
		}
		codeIs(t, "a provider approving", st.Approve(ctx, w.rachel, []string{"x"}), apperr.NotFound)
		codeIs(t, "a provider returning", st.Return(ctx, w.rachel, "x", "no"), apperr.NotFound)
	})
}

// The whole journey: an edit waits while the approved version stays live
// (search and the API read offer_services), a second edit updates it, the
// editor returns it with comments, the provider edits again, the editor
// approves, and the history says who did what.
func TestEditReturnResubmitApprove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		st := &edits.Store{DB: d}
		dir := &offer.Store{DB: d}
		live, err := dir.Service(ctx, w.brookfield)
		if err != nil {
			t.Fatal(err)
		}
		// Bad input: every wrong field named, nothing stored.
		bad := edits.FormOf(live)
		bad.Name, bad.MinimumAge, bad.Email, bad.PostalCode = " ", "12", "not an email", "WR99"
		bad.MaximumAge = "11"
		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_service_edits")
		_, err = st.Propose(ctx, w.rachel, w.brookfield, bad)
		codeIs(t, "a bad edit", err, apperr.Invalid)
		for _, f := range []string{"name", "maximum_age", "email", "postal_code"} {
			if !slices.Contains(fieldsOf(err), f) {
				t.Errorf("a bad edit's error names %v, not %s", fieldsOf(err), f)
			}
		}
		_, err = st.Propose(ctx, w.rachel, w.brookfield, edits.FormOf(live))
		codeIs(t, "an edit that changes nothing", err, apperr.Invalid)
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_service_edits"); n != before {
			t.Errorf("refused edits stored %d rows", n-before)
		}

		f := edits.FormOf(live)
		f.Name = "SEN support at Brookfield (edited)"
		f.Phone = "01632 960 777"
		first, err := st.Propose(ctx, w.rachel, w.brookfield, f)
		if err != nil {
			t.Fatal(err)
		}
		f.Fees = "Free for every family"
		second, err := st.Propose(ctx, w.rachel, w.brookfield, f)
		if err != nil {
			t.Fatal(err)
		}
		if second.ID != first.ID {
			t.Errorf("a second edit while the first waits made a new edit %s (first %s)", second.ID, first.ID)
		}
		if got, _ := dir.Service(ctx, w.brookfield); got.Name != live.Name {
			t.Errorf("the live service is %q while the edit waits, want %q", got.Name, live.Name)
		}
		if hits, _ := dir.Search(ctx, offer.Filter{Search: "edited Brookfield"}, offer.Page{Number: 1, Size: 10}); hits.Total != 0 {
			t.Errorf("search finds the unapproved name: %d hits", hits.Total)
		}

		queue, err := st.Queue(ctx, w.marcus)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(queue, func(a, b edits.Edit) int { return a.EditedAt.Compare(b.EditedAt) }) {
			t.Error("the queue is not oldest first")
		}
		i := slices.IndexFunc(queue, func(e edits.Edit) bool { return e.ID == first.ID })
		if i < 0 {
			t.Fatal("the edit is not in the queue")
		}
		var changed []string
		for _, c := range queue[i].Changes() {
			changed = append(changed, c.Field+":"+c.Before+"→"+c.After)
		}
		want := []string{"name:" + live.Name + "→SEN support at Brookfield (edited)", "fees:" + live.Fees + "→Free for every family",
			"phone:" + edits.FormOf(live).Phone + "→01632 960 777"}
		if !slices.Equal(changed, want) {
			t.Errorf("diff %q, want %q", changed, want)
		}

		err = st.Return(ctx, w.marcus, first.ID, "   ")
		codeIs(t, "returning without comments", err, apperr.Invalid)
		if !slices.Equal(fieldsOf(err), []string{"comments"}) {
			t.Errorf("returning without comments names %v", fieldsOf(err))
		}
		if err := st.Return(ctx, w.marcus, first.ID, "Please give the full opening times."); err != nil {
			t.Fatal(err)
		}
		codeIs(t, "approving a returned edit", st.Approve(ctx, w.marcus, []string{first.ID}), apperr.Conflict)
		draft, err := st.ForProvider(ctx, w.rachel, w.brookfield)
		if err != nil || draft.Open == nil || draft.Open.Status != edits.Returned || draft.Open.Comments != "Please give the full opening times." {
			t.Fatalf("the provider's view of a returned edit: %+v %v", draft.Open, err)
		}
		if draft.Form().Fees != "Free for every family" {
			t.Errorf("the form after a return shows %q, not the provider's answer", draft.Form().Fees)
		}

		f.Times = "Monday to Friday, 8:30am to 3:30pm."
		third, err := st.Propose(ctx, w.rachel, w.brookfield, f)
		if err != nil {
			t.Fatal(err)
		}
		if third.ID == first.ID {
			t.Error("editing a returned edit reused it; its comments would be lost from the history")
		}
		if err := st.Approve(ctx, w.marcus, []string{third.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := dir.Service(ctx, w.brookfield)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != f.Name || got.Fees != f.Fees || got.Contacts[0].Phones[0].Number != f.Phone || got.Schedules[0].Description != f.Times {
			t.Errorf("live after approval: %q %q %+v %q", got.Name, got.Fees, got.Contacts, got.Schedules[0].Description)
		}
		if hits, _ := dir.Search(ctx, offer.Filter{Search: "edited Brookfield"}, offer.Page{Number: 1, Size: 10}); hits.Total != 1 {
			t.Errorf("search finds the approved name %d times, want 1", hits.Total)
		}
		hist, err := st.History(ctx, w.rachel, w.brookfield)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, e := range hist {
			trail = append(trail, e.Status+" by "+e.EditedByName+", decided by "+e.DecidedByName)
		}
		wantTrail := []string{"approved by Rachel Evans, decided by Marcus Reid", "resubmitted by Rachel Evans, decided by Marcus Reid"}
		if !slices.Equal(trail, wantTrail) {
			t.Errorf("history %q, want %q", trail, wantTrail)
		}
		codeIs(t, "approving twice", st.Approve(ctx, w.marcus, []string{third.ID}), apperr.Conflict)
	})
}

// Approving several is all or nothing: one edit that cannot be approved
// leaves every service as it was.
func TestBulkApproveAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		st := &edits.Store{DB: d}
		dir := &offer.Store{DB: d}
		queue, err := st.Queue(ctx, w.marcus)
		if err != nil || len(queue) == 0 {
			t.Fatalf("the demo's queue: %d %v", len(queue), err)
		}
		var returned string
		if err := d.QueryRow("SELECT id FROM offer_service_edits WHERE status = 'returned' ORDER BY id LIMIT 1").Scan(&returned); err != nil {
			t.Fatalf("the demo's returned edit: %v", err)
		}
		ids := []string{queue[0].ID, returned}
		codeIs(t, "approving a pending and a returned edit", st.Approve(ctx, w.marcus, ids), apperr.Conflict)
		if got, _ := dir.Service(ctx, queue[0].ServiceID); len(edits.Diff(got, queue[0].Before)) != 0 {
			t.Errorf("a refused bulk approval changed %v", edits.Diff(queue[0].Before, got))
		}
		codeIs(t, "approving nothing", st.Approve(ctx, w.marcus, nil), apperr.Invalid)
		codeIs(t, "approving an unknown edit", st.Approve(ctx, w.marcus, []string{queue[0].ID, "nonsense"}), apperr.Invalid)

		var all []string
		for _, e := range queue {
			all = append(all, e.ID)
		}
		if err := st.Approve(ctx, w.marcus, all); err != nil {
			t.Fatal(err)
		}
		for _, e := range queue {
			got, _ := dir.Service(ctx, e.ServiceID)
			if diff := edits.Diff(e.After, got); len(diff) != 0 {
				t.Errorf("%s after bulk approval differs from the edit: %v", e.After.Name, diff)
			}
		}
		if left, _ := st.Queue(ctx, w.marcus); len(left) != 0 {
			t.Errorf("%d edits left in the queue", len(left))
		}
	})
}

// Confirming a service is still correct moves its last-checked date, and so
// its review-by date, on; nothing else changes and no approval is needed.
func TestConfirmMovesReviewDateOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		st := &edits.Store{DB: d}
		old, _ := st.Services(ctx, w.rachel)
		if err := st.Confirm(ctx, w.rachel, w.brookfield); err != nil {
			t.Fatal(err)
		}
		now, _ := st.Services(ctx, w.rachel)
		if !now[0].LastChecked.After(old[0].LastChecked) || now[0].Stale(db.Now()) {
			t.Errorf("last checked %v → %v; stale %v", old[0].LastChecked, now[0].LastChecked, now[0].Stale(db.Now()))
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_service_edits WHERE service_id = $1", w.brookfield); n != 0 {
			t.Errorf("confirming made %d edits", n)
		}
	})
}

// The staleness report lists exactly the services not confirmed for three
// months, for editors only; confirming one takes it off.
func TestStaleReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		st := &edits.Store{DB: d}
		now := db.Now()
		if _, err := d.Exec("UPDATE offer_services SET last_checked = $2 WHERE id = $1", w.brookfield, now.AddDate(0, -4, 0)); err != nil {
			t.Fatal(err)
		}
		stale, err := st.Stale(ctx, w.marcus, now)
		if err != nil {
			t.Fatal(err)
		}
		want := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE last_checked < $1", now.AddDate(0, -3, 0))
		if len(stale) != want || want == 0 {
			t.Errorf("%d stale services listed, want %d", len(stale), want)
		}
		for _, s := range stale {
			if !s.Stale(now) {
				t.Errorf("%s, checked %v, is listed but not stale", s.Name, s.LastChecked)
			}
		}
		if !slices.ContainsFunc(stale, func(s edits.Service) bool { return s.ID == w.brookfield }) {
			t.Error("the service unchecked for four months is not listed")
		}
		if err := st.Confirm(ctx, w.rachel, w.brookfield); err != nil {
			t.Fatal(err)
		}
		stale, _ = st.Stale(ctx, w.marcus, now)
		if slices.ContainsFunc(stale, func(s edits.Service) bool { return s.ID == w.brookfield }) {
			t.Error("a confirmed service is still listed")
		}
		if _, err := st.Stale(ctx, w.rachel, now); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a provider reads the staleness report: %v", err)
		}
	})
}
