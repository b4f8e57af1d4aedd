package casework_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
)

func code(err error) apperr.Code {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func field(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		return ae.Fields[0].Name
	}
	return ""
}

// The SEN2 request source comes from who asks (SEN2 guide, RequestSource);
// only professionals other than the child's setting need the family's consent.
func TestRequestSource(t *testing.T) {
	cases := []struct {
		actor   access.Actor
		source  string
		consent bool
	}{
		{access.Actor{Kind: access.ParentCarer}, "parent", false},
		{access.Actor{Kind: access.YoungPerson}, "young_person", false},
		{access.Actor{Kind: access.Staff, Grants: []access.Grant{{Role: "senco"}}}, "setting", false},
		{access.Actor{Kind: access.Staff, Grants: []access.Grant{{Role: "health_professional"}}}, "health", true},
		{access.Actor{Kind: access.Staff, Grants: []access.Grant{{Role: "social_worker"}}}, "social_care", true},
		{access.Actor{Kind: access.Staff, Grants: []access.Grant{{Role: "educational_psychologist"}}}, "other", true},
	}
	for _, c := range cases {
		if s, n := casework.RequestSource(c.actor); s != c.source || n != c.consent {
			t.Errorf("%+v: %s, consent %v; want %s, %v", c.actor, s, n, c.source, c.consent)
		}
	}
}

// A request made online waits with the council team; accepting it records
// the clock's request_received (channel online, dated the day it arrived) in
// the same transaction; a second request while one is open is refused with
// what happens next; nothing is stored for a refused one.
func TestOnlineRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		requests := func() int {
			return dbtest.Count(t, dbx, "SELECT COUNT(*) FROM ehc_requests WHERE child_id = $1", w.child)
		}

		_, err := casework.SubmitRequest(ctx, dbx, w.parent, w.child, casework.RequestInput{Reasons: "help"})
		if field(err) != "reasons" || requests() != 0 {
			t.Fatalf("reasons too short: %v, %d stored", err, requests())
		}
		rq, err := casework.SubmitRequest(ctx, dbx, w.parent, w.child, casework.RequestInput{
			Reasons: "She cannot read yet at 9 and the school's support has not helped in two years."})
		if err != nil || rq.Source != "parent" || rq.Status != casework.Waiting || rq.ReceivedOn != d(2026, 11, 22) {
			t.Fatalf("parent's request: %+v %v", rq, err)
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'ehc.request.submit' AND child_id = $1", w.child); n != 1 {
			t.Errorf("%d audit rows for the request", n)
		}
		_, err = casework.SubmitRequest(ctx, dbx, w.parent, w.child, casework.RequestInput{Reasons: "Asking again, in case the first did not arrive."})
		if code(err) != apperr.Conflict || !strings.Contains(err.Error(), "22 November 2026") || !strings.Contains(err.Error(), "3 January 2027") || requests() != 1 {
			t.Errorf("second request: %v, %d stored", err, requests())
		}

		// A therapist with no relationship: the child is missing.
		_, err = casework.SubmitRequest(ctx, dbx, w.tom, w.child, casework.RequestInput{Reasons: "Speech is far behind her age and not improving."})
		if code(err) != apperr.NotFound {
			t.Errorf("therapist with no relationship: %v", err)
		}
		// With the family's consent to share, they may ask, naming who agreed and when.
		err = dbx.Transact(ctx, func(tx *sql.Tx) error {
			_, err := access.AddLink(ctx, tx, access.Link{ChildID: w.child, OrganisationID: w.tom.TeamID, Reason: access.Referral,
				Purpose: "speech and language therapy", GrantedBy: w.amira.PersonID, StartsAt: db.Now().Add(-time.Hour)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = casework.SubmitRequest(ctx, dbx, w.tom, w.child, casework.RequestInput{Reasons: "Speech is far behind her age and not improving."})
		if field(err) != "consent-by" {
			t.Errorf("professional without consent: %v", err)
		}
		_, err = casework.SubmitRequest(ctx, dbx, w.tom, w.child, casework.RequestInput{Reasons: "Speech is far behind her age and not improving.",
			ConsentGivenBy: "her mother", ConsentGivenOn: d(2026, 11, 23)})
		if field(err) != "consent-on" {
			t.Errorf("consent dated tomorrow: %v", err)
		}
		_, err = casework.SubmitRequest(ctx, dbx, w.tom, w.child, casework.RequestInput{Reasons: "Speech is far behind her age and not improving.",
			ConsentGivenBy: "her mother", ConsentGivenOn: d(2026, 11, 20)})
		if code(err) != apperr.Conflict || requests() != 1 {
			t.Errorf("professional's request while the parent's waits: %v", err)
		}

		// The therapist may not log it; the coordinator may.
		if _, err := casework.AcceptRequest(ctx, dbx, w.tom, w.child, rq.ID); code(err) != apperr.Forbidden {
			t.Errorf("therapist accepting: %v", err)
		}
		ev, err := casework.AcceptRequest(ctx, dbx, w.amira, w.child, rq.ID)
		if err != nil || ev.Type.String() != "request_received" || ev.Channel != "online" || ev.Code != "parent" || ev.Date != d(2026, 11, 22) {
			t.Fatalf("accept: %+v %v", ev, err)
		}
		c, err := casework.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		if err != nil || c.Stage != casework.Requested || len(c.Requests) != 1 || c.Requests[0].Status != casework.Accepted || c.Requests[0].AcceptedEvent != ev.ID {
			t.Fatalf("case after accepting: %+v %v", c, err)
		}
		if _, err := casework.AcceptRequest(ctx, dbx, w.amira, w.child, rq.ID); code(err) != apperr.Conflict {
			t.Errorf("accepting twice: %v", err)
		}
		_, err = casework.SubmitRequest(ctx, dbx, w.parent, w.child, casework.RequestInput{Reasons: "Asking again, in case the first did not arrive."})
		if code(err) != apperr.Conflict || !strings.Contains(err.Error(), "already has a request") {
			t.Errorf("request while the case is at request: %v", err)
		}
		if list, err := casework.WaitingRequests(ctx, dbx, w.amira, 10); err != nil || len(list) != 0 {
			t.Errorf("waiting after accepting: %+v %v", list, err)
		}
	})
}

// A decision letter states the appeal deadline (R24), is served by a method
// with its deemed day (CPR 6.26), tells the family by email in the same
// transaction, and carries the mediation and tribunal steps after it.
func TestLettersAndDisagreement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		for _, in := range []casework.Input{
			{Type: "request_received", Date: d(2026, 6, 1), Code: "parent", Channel: "letter"},
			{Type: "assessment_decision", Date: d(2026, 7, 6), Code: "refuse", Note: "Her needs are met from the school's own resources."},
		} {
			if _, err := casework.Add(ctx, dbx, w.amira, w.child, in); err != nil {
				t.Fatal(err)
			}
		}
		c, err := casework.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		request, refusal := c.Events[0].ID, c.Events[1].ID
		if got := casework.Appealable(c, nil); len(got) != 1 || got[0].ID != refusal {
			t.Fatalf("appealable: %+v", got)
		}
		sent := time.Date(2026, 7, 7, 10, 0, 0, 0, appeal.London)
		good := casework.LetterInput{EventID: refusal, Method: appeal.Email, SentAt: sent, Adviser: "Kingsbridge Mediation, 0300 000 0000",
			Reasons: "Her needs are met from the school's own resources."}
		outbox := func() int {
			return dbtest.Count(t, dbx, "SELECT COUNT(*) FROM outbox WHERE reference LIKE 'ehc-letter:%'")
		}
		for _, bad := range []struct {
			name, field string
			change      func(*casework.LetterInput)
		}{
			{"a request is not an appealable decision", "event", func(l *casework.LetterInput) { l.EventID = request }},
			{"no method", "method", func(l *casework.LetterInput) { l.Method = "" }},
			{"sent before the decision", "sent", func(l *casework.LetterInput) { l.SentAt = time.Date(2026, 7, 3, 10, 0, 0, 0, appeal.London) }},
			{"sent in the future", "sent", func(l *casework.LetterInput) { l.SentAt = time.Date(2026, 12, 3, 10, 0, 0, 0, appeal.London) }},
			{"no adviser", "adviser", func(l *casework.LetterInput) { l.Adviser = "" }},
		} {
			in := good
			bad.change(&in)
			if _, err := casework.IssueLetter(ctx, dbx, w.amira, w.child, in); field(err) != bad.field {
				t.Errorf("%s: %v, want the field %s", bad.name, err, bad.field)
			}
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM ehc_letters WHERE child_id = $1", w.child); n != 0 || outbox() != 0 {
			t.Fatalf("refused letters stored %d letters, %d messages", n, outbox())
		}
		l, err := casework.IssueLetter(ctx, dbx, w.amira, w.child, good)
		if err != nil || l.Kind != casework.RefuseAssessment || l.DeemedOn != d(2026, 7, 7) || l.AppealBy.Due != d(2026, 9, 7) {
			t.Fatalf("letter: %+v %v", l, err)
		}
		if outbox() == 0 {
			t.Error("the family was not told by email")
		}
		if _, err := casework.IssueLetter(ctx, dbx, w.amira, w.child, good); code(err) != apperr.Conflict {
			t.Errorf("a second letter for one decision: %v", err)
		}

		steps := []struct {
			name  string
			in    casework.StepInput
			field string
		}{
			{"a hearing before any appeal", casework.StepInput{Step: casework.Hearing, Date: d(2026, 8, 1)}, "date"},
			{"an appeal without a certificate (s55)", casework.StepInput{Step: casework.AppealRegistered, Date: d(2026, 8, 1)}, "step"},
			{"before the letter", casework.StepInput{Step: casework.AdviserContacted, Outcome: "wants_mediation", Date: d(2026, 7, 1)}, "date"},
			{"an outcome from another step", casework.StepInput{Step: casework.AdviserContacted, Outcome: "agreed", Date: d(2026, 8, 20)}, "outcome"},
			{"the family asks for mediation", casework.StepInput{Step: casework.AdviserContacted, Outcome: "wants_mediation", Date: d(2026, 8, 20)}, ""},
			{"mediation held, no agreement", casework.StepInput{Step: casework.MediationHeld, Outcome: "not_agreed", Date: d(2026, 9, 1)}, ""},
			{"the certificate, 2 working days later", casework.StepInput{Step: casework.CertificateIssued, Date: d(2026, 9, 3)}, ""},
			{"the appeal", casework.StepInput{Step: casework.AppealRegistered, Date: d(2026, 9, 20)}, ""},
			{"the appeal twice", casework.StepInput{Step: casework.AppealRegistered, Date: d(2026, 9, 21)}, "step"},
			{"an order the tribunal cannot make", casework.StepInput{Step: casework.TribunalDecision, Outcome: "pay_damages", Date: d(2026, 11, 2)}, "outcome"},
			{"ordered to assess", casework.StepInput{Step: casework.TribunalDecision, Outcome: "assess", Date: d(2026, 11, 2)}, ""},
		}
		for _, s := range steps {
			_, err := casework.AddStep(ctx, dbx, w.amira, w.child, l.ID, s.in)
			if field(err) != s.field || (s.field == "" && err != nil) {
				t.Errorf("%s: %v, want the field %q", s.name, err, s.field)
			}
		}
		if _, err := casework.AddStep(ctx, dbx, w.parent, w.child, l.ID, casework.StepInput{Step: casework.Hearing, Date: d(2026, 10, 20)}); code(err) != apperr.Forbidden {
			t.Errorf("a parent recording a step: %v", err)
		}
		c, err = casework.Get(ctx, dbx, w.parent, w.child, access.FamilyView)
		if err != nil || len(c.Letters) != 1 {
			t.Fatalf("family's read: %+v %v", c.Letters, err)
		}
		got := c.Letters[0]
		// R24: one month from the certificate (3 October) is later than two months from the notice (7 September).
		if got.AppealBy.Due != d(2026, 10, 3) || got.Certificate != d(2026, 9, 3) || got.CertDue != nil || len(got.Steps) != 5 {
			t.Errorf("after mediation: appeal by %s, certificate %s, %d steps", got.AppealBy.Due, got.Certificate, len(got.Steps))
		}
		if len(got.Compliance) != 1 || got.Compliance[0].Rule != "R25" || got.Compliance[0].Due != d(2026, 11, 16) {
			t.Errorf("order to assess: %+v", got.Compliance)
		}
		if got.Steps[0].RecordedBy != "" {
			t.Error("the family was shown who recorded a step")
		}
	})
}

// A young person asks for themself from their 16th birthday (the issue's
// rule for CFA 2014 s36(1) "young person"); before it, a parent or the school asks.
func TestYoungPersonAsksFromSixteen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		newWorld(t, dbx)
		var kaiID, child string
		for _, p := range demo.Personas() {
			if p.Name == "Kai Thompson" {
				if err := dbx.QueryRow("SELECT p.id, c.id FROM people p JOIN children c ON c.person_id = p.id WHERE p.email = $1", p.Email).Scan(&kaiID, &child); err != nil {
					t.Fatal(err)
				}
			}
		}
		kai, err := access.LoadActor(ctx, dbx, kaiID)
		if err != nil {
			t.Fatal(err)
		}
		// Clear the way: no open case or waiting request of Kai's stands in front of the rule tested here.
		for _, q := range []string{"DELETE FROM ehc_requests WHERE child_id = $1", "UPDATE ehc_cases SET stage = 'plan' WHERE child_id = $1"} {
			if _, err := dbx.Exec(q, child); err != nil {
				t.Fatal(err)
			}
		}
		in := casework.RequestInput{Reasons: "My plan no longer covers the college course I have started this year."}
		for _, c := range []struct {
			name string
			born string
			want apperr.Code
		}{
			{"the day before the 16th birthday", "2010-11-23", apperr.Forbidden},
			{"on the 16th birthday", "2010-11-22", ""},
		} {
			if _, err := dbx.Exec("UPDATE children SET date_of_birth = $1 WHERE id = $2", c.born, child); err != nil {
				t.Fatal(err)
			}
			rq, err := casework.SubmitRequest(ctx, dbx, kai, child, in)
			if code(err) != c.want || (c.want == "" && rq.Source != "young_person") {
				t.Errorf("%s: %+v %v, want %q", c.name, rq, err, c.want)
			}
		}
	})
}
