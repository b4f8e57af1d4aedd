package comments_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer/comments"
)

func fieldsOf(err error) []string {
	var out []string
	var e *apperr.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			out = append(out, f.Name)
		}
	}
	return out
}

func codeIs(t *testing.T, what string, err error, want apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != want || err == nil {
		t.Errorf("%s: %v (code %q), want code %q", what, err, got, want)
	}
}

// The comments' life on both databases: sent by anyone, refused whole when
// wrong, queued oldest first for the Local Offer editor only, answered or
// closed once, and published ("you said, we did", SEND Regulations 2014
// reg 56) only when answered and agreed to, by month, without the email.
func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
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
		actor := func(name string) access.Actor {
			t.Helper()
			for _, p := range demo.Personas() {
				if p.Name == name {
					a, err := access.LoadActor(ctx, d, one("SELECT id FROM people WHERE email = $1", p.Email))
					if err != nil {
						t.Fatal(err)
					}
					return a
				}
			}
			t.Fatalf("no persona %s", name)
			return access.Actor{}
		}
		marcus, rachel := actor("Marcus Reid"), actor("Rachel Evans") // the editor; a provider, not an editor
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_comments"); n == 0 {
			t.Fatal("the demo has no comments")
		}
		if _, err := d.Exec("DELETE FROM offer_comments"); err != nil { // start from none, to count exactly
			t.Fatal(err)
		}
		st := &comments.Store{DB: d}
		svc := one("SELECT MIN(id) FROM offer_services")
		name := one("SELECT name FROM offer_services WHERE id = $1", svc)

		_, err := st.Send(ctx, svc, comments.Form{Kind: comments.Problem, Words: "", Email: "bad"})
		if got := fieldsOf(err); strings.Join(got, ",") != "words,email" {
			t.Errorf("a bad comment: fields %v (%v)", got, err)
		}
		_, err = st.Send(ctx, "00000000-0000-0000-0000-000000000000", comments.Form{Kind: comments.Comment, Words: "Hello"})
		codeIs(t, "a comment on a missing service", err, apperr.NotFound)
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_comments"); n != 0 {
			t.Fatalf("%d comments stored from refused sends", n)
		}

		send := func(f comments.Form, service string, received time.Time) string {
			t.Helper()
			id, err := st.Send(ctx, service, f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec("UPDATE offer_comments SET received_at = $2 WHERE id = $1", id, received); err != nil {
				t.Fatal(err)
			}
			return id
		}
		oct := time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC)
		sep := time.Date(2026, 9, 3, 9, 0, 0, 0, time.UTC)
		published := send(comments.Form{Kind: comments.Problem, Words: "The <b>times</b> are wrong.", Email: "pat@example.org", Publish: true}, svc, oct)
		private := send(comments.Form{Kind: comments.Complaint, Words: "Do not publish this.", Publish: false}, svc, sep)
		closed := send(comments.Form{Kind: comments.Comment, Words: "It names a child.", Publish: true}, "", sep.Add(time.Hour))
		waiting := send(comments.Form{Kind: comments.Suggestion, Words: "Add a quiet room.", Publish: true}, "", oct.Add(time.Hour))
		whole := send(comments.Form{Kind: comments.Suggestion, Words: "A bigger search box.", Publish: true}, "", sep.Add(2*time.Hour))

		q, err := st.Queue(ctx, marcus)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, c := range q {
			order = append(order, c.ID)
		}
		if want := []string{private, closed, whole, published, waiting}; strings.Join(order, ",") != strings.Join(want, ",") {
			t.Errorf("queue order %v, want oldest first %v", order, want)
		}
		if q[0].ServiceName != name || q[1].ServiceName != comments.AboutOffer || q[3].Email != "pat@example.org" {
			t.Errorf("queue rows: %+v", q[:4])
		}
		_, err = st.Queue(ctx, rachel)
		codeIs(t, "the queue for a provider", err, apperr.NotFound)
		_, err = st.Get(ctx, rachel, published)
		codeIs(t, "a comment for a provider", err, apperr.NotFound)
		codeIs(t, "answering as a provider", st.Respond(ctx, rachel, published, "Done"), apperr.NotFound)

		err = st.Respond(ctx, marcus, published, "  ")
		if got := fieldsOf(err); strings.Join(got, ",") != "response" {
			t.Errorf("an empty response: fields %v (%v)", got, err)
		}
		err = st.Close(ctx, marcus, closed, strings.Repeat("x", 2001))
		if got := fieldsOf(err); strings.Join(got, ",") != "reason" {
			t.Errorf("a long reason: fields %v (%v)", got, err)
		}
		for id, resp := range map[string]string{published: "We corrected the times.", private: "We spoke to the provider.", whole: "Done: it is wider."} {
			if err := st.Respond(ctx, marcus, id, resp); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Close(ctx, marcus, closed, "It names a child."); err != nil {
			t.Fatal(err)
		}
		codeIs(t, "answering twice", st.Respond(ctx, marcus, published, "Again"), apperr.Conflict)
		codeIs(t, "closing an answered one", st.Close(ctx, marcus, published, "No"), apperr.Conflict)
		codeIs(t, "answering a missing one", st.Respond(ctx, marcus, "no-such-comment", "x"), apperr.NotFound)
		c, err := st.Get(ctx, marcus, published)
		if err != nil || c.Status != comments.Addressed || c.DecidedName != marcus.Name || c.DecidedAt.IsZero() || c.Response != "We corrected the times." {
			t.Errorf("the answered comment: %+v, %v", c, err)
		}
		if q, _ := st.Queue(ctx, marcus); len(q) != 1 || q[0].ID != waiting {
			t.Errorf("the queue after answering: %+v", q)
		}

		y, err := st.Published(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if y.Received != 5 || y.Answered != 3 {
			t.Errorf("received %d answered %d, want 5 and 3", y.Received, y.Answered)
		}
		// October (the times) then September (the search box); not the private,
		// the closed or the waiting one.
		if len(y.Months) != 2 || y.Months[0].Month.Month() != time.October || y.Months[1].Month.Month() != time.September ||
			len(y.Months[0].Comments) != 1 || len(y.Months[1].Comments) != 1 {
			t.Fatalf("months: %+v", y.Months)
		}
		p := y.Months[0].Comments[0]
		if p.Words != "The <b>times</b> are wrong." || p.Response != "We corrected the times." || p.ServiceName != name || p.ServiceID != svc {
			t.Errorf("published: %+v", p)
		}
		if w := y.Months[1].Comments[0]; w.ServiceID != "" || w.ServiceName != comments.AboutOffer {
			t.Errorf("about the Local Offer as a whole: %+v", w)
		}
	})
}
