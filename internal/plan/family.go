package plan

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/notify"
)

// ConsultationDays is how long a consulted setting has to answer (CFA 2014
// s39(2); 15 days [to verify: the period is not in ../shared/standards]).
const ConsultationDays = 15

func validMethod(m string) bool { return slices.Contains(appeal.Methods, m) }

// deemedReceived is when the family is deemed to receive the plan sent by
// method now: appeal's rule for every notice (CPR 6.26).
func deemedReceived(method string, now time.Time) (date.Date, error) {
	return appeal.DeemedReceived(method, now)
}

var methodWords = map[string]string{appeal.Email: "by email", appeal.Post: "by first class post", appeal.Portal: "on joinedup", appeal.Hand: "by hand"}

// tell writes a message to everyone who decides for the child, in the
// issuing transaction, saying how the plan was sent, when it counts as
// received and what they can do next. It returns how many were written.
func tell(ctx context.Context, tx *sql.Tx, childID string, pl Plan) (int, error) {
	return tellFamily(ctx, tx, childID, func(first string) notify.Message { return issuedMessage(first, pl) })
}

// tellFamily writes the message build makes from the child's first name to
// everyone who decides for the child, in the caller's transaction.
func tellFamily(ctx context.Context, tx *sql.Tx, childID string, build func(first string) notify.Message) (int, error) {
	to, err := casework.FamilyEmails(ctx, tx, childID)
	if err != nil {
		return 0, err
	}
	var first string
	if err := tx.QueryRowContext(ctx, "SELECT given_name FROM children WHERE id = $1", childID).Scan(&first); err != nil {
		return 0, err
	}
	m := build(first)
	for _, addr := range to {
		m.To = addr
		if _, err := notify.Enqueue(ctx, tx, m); err != nil {
			return 0, err
		}
	}
	return len(to), nil
}

// issuedMessage tells the family a version was issued.
func issuedMessage(first string, pl Plan) notify.Message {
	m := notify.Message{Reference: "ehc-plan:" + pl.ID}
	switch {
	case pl.Amendment != nil:
		m.Subject = fmt.Sprintf("%s's amended EHC plan", first)
		m.WhatChanged = fmt.Sprintf("The council has issued %s's final amended EHC plan%s It was sent %s on %s and counts as received on %s.",
			first, placed(first, pl), methodWords[pl.Method], words(pl.IssuedOn), words(pl.DeemedOn))
		m.WhatToDo = "Sign in to joinedup to read the plan. The decision letter sent with it says how to appeal if you disagree."
	case pl.Kind == Draft:
		m.Subject = fmt.Sprintf("%s's draft EHC plan", first)
		m.WhatChanged = fmt.Sprintf("The council has issued %s's draft EHC plan. It was sent %s on %s and counts as received on %s.",
			first, methodWords[pl.Method], words(pl.IssuedOn), words(pl.DeemedOn))
		m.WhatToDo = fmt.Sprintf("You have at least 15 days, until %s, to comment on each section and to ask for a school or college to be named. Sign in to joinedup to read the draft and reply.",
			words(pl.IssuedOn.AddDays(15)))
	default:
		m.Subject = fmt.Sprintf("%s's final EHC plan", first)
		m.WhatChanged = fmt.Sprintf("The council has issued %s's final EHC plan%s It was sent %s on %s and counts as received on %s.",
			first, placed(first, pl), methodWords[pl.Method], words(pl.IssuedOn), words(pl.DeemedOn))
		m.WhatToDo = "Sign in to joinedup to read the plan. The decision letter sent with it says how to appeal if you disagree."
	}
	return m
}

// placed ends the sentence saying a final plan was issued with what its
// section I gives: the school or other institution named or, where the plan
// only specifies the type (CFA 2014 s40(2) allows either), that type.
func placed(first string, pl Plan) string {
	switch {
	case pl.Setting != "":
		return ", naming " + pl.Setting + "."
	case strings.TrimSpace(pl.PlacementType) != "":
		return fmt.Sprintf(". It says the type of school or other institution %s should go to, “%s”, without naming a particular one.", first, pl.PlacementType)
	}
	return "."
}

// openDraft loads what a family may comment on, checking access: the issued
// draft, or the proposed amendments once sent (reg 22(2)).
func openDraft(ctx context.Context, tx *sql.Tx, a access.Actor, childID string, now time.Time) (Plan, string, error) {
	dec, err := access.Require(ctx, tx, a, access.FamilyContribute, childID, now)
	if err != nil {
		return Plan{}, "", err
	}
	v, err := read(ctx, tx, a, access.FamilyContribute, childID, now)
	if err != nil {
		return Plan{}, "", err
	}
	dr := v.Open()
	if dr == nil {
		return Plan{}, "", apperr.Errorf(apperr.Conflict, "There is no draft plan or proposed amendment to comment on: the council has not sent one, or has issued the final plan")
	}
	return *dr, dec.Reason, nil
}

// AddComment records a family's comment on a section of the issued draft or
// of proposed amendments sent (family.contribute): the representations reg
// 13(1), or reg 22(2)(c) for amendments, gives them at least 15 days for.
func AddComment(ctx context.Context, d *db.DB, a access.Actor, childID, section, body string) (Comment, error) {
	var c Comment
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		dr, reason, err := openDraft(ctx, tx, a, childID, now)
		if err != nil {
			return err
		}
		body = clean(body)
		var fs apperr.Fields
		if _, ok := SectionOf(section); !ok && section != "all" {
			fs.Add("section", "Choose the section your comment is about")
		}
		if len(body) < 2 {
			fs.Add("comment", "Write your comment")
		} else if len(body) > MaxText {
			fs.Add("comment", "Your comment must be 10,000 characters or fewer")
		}
		if err := fs.Err("the comment"); err != nil {
			return err
		}
		c = Comment{ID: uuid.NewString(), PlanID: dr.ID, Section: section, Body: body, By: a.Name, At: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_plan_comments (id, plan_id, section, body, person_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, dr.ID, section, body, a.PersonID, now.UTC()); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "plan.comment", dr.ID, childID, reason, now, audit.Change{Field: "section " + section, New: "comment"})
	})
	return c, err
}

// RequestSetting records the family's request that a school or college be
// named in the plan (family.contribute; CFA 2014 s38-39), while the draft,
// or proposed amendments, are open (R15's "school request").
func RequestSetting(ctx context.Context, d *db.DB, a access.Actor, childID, settingID, why string) (SettingRequest, error) {
	var r SettingRequest
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		dr, reason, err := openDraft(ctx, tx, a, childID, now)
		if err != nil {
			return err
		}
		why = clean(why)
		var fs apperr.Fields
		name, err := settingName(ctx, tx, settingID)
		if err != nil {
			return err
		}
		if name == "" {
			fs.Add("setting", "Choose a school or college from the list")
		}
		if len(why) > MaxText {
			fs.Add("reason", "Your reasons must be 10,000 characters or fewer")
		}
		if err := fs.Err("the request"); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM ehc_plan_settings WHERE plan_id = $1 AND setting_id = $2", dr.ID, settingID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return (apperr.Fields{{Name: "setting", Message: "You have already asked for " + name}}).Err("the request")
		}
		r = SettingRequest{ID: uuid.NewString(), PlanID: dr.ID, SettingID: settingID, Setting: name, Reason: why, RequestedBy: a.Name, RequestedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_plan_settings (id, plan_id, setting_id, reason, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, r.ID, dr.ID, settingID, why, a.PersonID, now.UTC()); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "plan.setting.request", dr.ID, childID, reason, now, audit.Change{Field: "setting", New: name})
	})
	return r, err
}

// Consult records the council consulting a requested setting (case.edit):
// the day it was sent, the response due 15 days later and, when known, the
// response and its date. A setting's answer cannot come before it was asked.
func Consult(ctx context.Context, d *db.DB, a access.Actor, childID, requestID string, sent, answered date.Date, response string) error {
	_, err := ConsultSetting(ctx, d, a, childID, requestID, sent, answered, response)
	return err
}

// ConsultSetting is Consult returning the request with its consultation as
// now stored, read in the same transaction (for the API's answer).
func ConsultSetting(ctx context.Context, d *db.DB, a access.Actor, childID, requestID string, sent, answered date.Date, response string) (SettingRequest, error) {
	var saved SettingRequest
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		today := date.Today(now)
		dec, err := access.Require(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		var planID string
		err = tx.QueryRowContext(ctx, `SELECT s.plan_id FROM ehc_plan_settings s JOIN ehc_plans pl ON pl.id = s.plan_id
			WHERE s.id = $1 AND pl.child_id = $2`, requestID, childID).Scan(&planID)
		if err == sql.ErrNoRows {
			return apperr.Errorf(apperr.NotFound, "there is no such request for a setting")
		}
		if err != nil {
			return err
		}
		response = clean(response)
		var fs apperr.Fields
		switch {
		case sent.IsZero():
			fs.Add("sent", "Enter the date the setting was consulted")
		case sent.After(today):
			fs.Add("sent", "The date the setting was consulted cannot be in the future")
		}
		if response != "" && answered.IsZero() {
			fs.Add("answered", "Enter the date the setting answered")
		}
		if !answered.IsZero() {
			switch {
			case answered.After(today):
				fs.Add("answered", "The date the setting answered cannot be in the future")
			case !sent.IsZero() && answered.Before(sent):
				fs.Add("answered", "The setting cannot answer before it was consulted")
			case response == "":
				fs.Add("response", "Say what the setting answered")
			}
		}
		if len(response) > MaxText {
			fs.Add("response", "The response must be 10,000 characters or fewer")
		}
		if err := fs.Err("the consultation"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ehc_plan_settings SET consulted_on = $1, response_due = $2, response = $3, responded_on = $4,
			recorded_by = $5 WHERE id = $6`, sent, sent.AddDays(ConsultationDays), null(response), nullDate(answered), a.PersonID, requestID); err != nil {
			return err
		}
		if err := write(ctx, d, tx, a, "plan.setting.consult", planID, childID, dec.Reason, now,
			audit.Change{Field: "consulted_on", New: words(sent)}, audit.Change{Field: "response", New: strings.TrimSpace(response)}); err != nil {
			return err
		}
		all, err := readSettings(ctx, tx, childID)
		for _, r := range all {
			if r.ID == requestID {
				saved = r
			}
		}
		return err
	})
	return saved, err
}

func readComments(ctx context.Context, tx *sql.Tx, childID string) ([]Comment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.plan_id, c.section, c.body, p.given_name || ' ' || p.family_name, c.created_at
		FROM ehc_plan_comments c JOIN ehc_plans pl ON pl.id = c.plan_id JOIN people p ON p.id = c.person_id
		WHERE pl.child_id = $1 ORDER BY c.created_at, c.id`, childID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.PlanID, &c.Section, &c.Body, &c.By, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func readSettings(ctx context.Context, tx *sql.Tx, childID string) ([]SettingRequest, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.plan_id, s.setting_id, o.name, s.reason, p.given_name || ' ' || p.family_name,
		s.requested_at, s.consulted_on, s.response_due, s.responded_on, COALESCE(s.response, '')
		FROM ehc_plan_settings s JOIN ehc_plans pl ON pl.id = s.plan_id JOIN organisations o ON o.id = s.setting_id
		JOIN people p ON p.id = s.requested_by WHERE pl.child_id = $1 ORDER BY s.requested_at, s.id`, childID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SettingRequest
	for rows.Next() {
		var r SettingRequest
		var consulted, due, answered sql.Null[date.Date]
		if err := rows.Scan(&r.ID, &r.PlanID, &r.SettingID, &r.Setting, &r.Reason, &r.RequestedBy, &r.RequestedAt,
			&consulted, &due, &answered, &r.Response); err != nil {
			return nil, err
		}
		r.ConsultedOn, r.ResponseDue, r.RespondedOn = consulted.V, due.V, answered.V
		out = append(out, r)
	}
	return out, rows.Err()
}
