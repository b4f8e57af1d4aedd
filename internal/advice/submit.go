package advice

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// check refuses advice the plan could not use, naming each field: every
// statement needs its source; provision says who, how often and for how
// long (section G must be specific and quantified); fresh advice covers
// needs, provision, outcomes and views; reused advice (reg 6(4)) needs the
// agreement behind it and at least the needs it confirms.
func (in *SubmissionInput) check() error {
	var fs apperr.Fields
	count := map[string]int{}
	var kept []Statement
	for _, st := range in.Statements {
		st.Body, st.Source = strings.TrimSpace(st.Body), strings.TrimSpace(st.Source)
		st.Who, st.HowOften, st.HowLong = strings.TrimSpace(st.Who), strings.TrimSpace(st.HowOften), strings.TrimSpace(st.HowLong)
		if st.Body == "" && st.Source == "" && st.Who == "" && st.HowOften == "" && st.HowLong == "" {
			continue // an empty row of the form
		}
		if !slices.Contains(Sections, st.Section) {
			fs.Add("section", "is not a section of the advice")
			continue
		}
		count[st.Section]++
		name := fmt.Sprintf("%s-%d", st.Section, count[st.Section])
		if st.Body == "" {
			fs.Add(name+"-body", fmt.Sprintf("Write the %s %d, or clear its row", words[st.Section], count[st.Section]))
		}
		if st.Section == Provision {
			if st.Who == "" {
				fs.Add(name+"-who", fmt.Sprintf("Say who provides provision %d", count[st.Section]))
			}
			if st.HowOften == "" {
				fs.Add(name+"-how-often", fmt.Sprintf("Say how often provision %d is given", count[st.Section]))
			}
			if st.HowLong == "" {
				fs.Add(name+"-how-long", fmt.Sprintf("Say for how long provision %d is needed", count[st.Section]))
			}
		} else {
			st.Who, st.HowOften, st.HowLong = "", "", ""
		}
		if st.Source == "" {
			fs.Add(name+"-source", fmt.Sprintf("Say where %s %d comes from", words[st.Section], count[st.Section]))
		}
		kept = append(kept, st)
	}
	in.Statements = kept
	if len(in.Attachments) > MaxAttachments {
		fs.Add("attachment", fmt.Sprintf("Attach at most %d reports", MaxAttachments))
	}
	for _, at := range in.Attachments {
		switch {
		case len(at.Content) > MaxAttachmentSize:
			fs.Add("attachment", fmt.Sprintf("%s is larger than %d MB", at.Name, MaxAttachmentSize>>20))
		case !bytes.HasPrefix(at.Content, []byte("%PDF-")):
			fs.Add("attachment", fmt.Sprintf("%s is not a PDF: attach reports as PDF files", cmp.Or(at.Name, "The file")))
		}
	}
	in.ReuseAgreement = strings.TrimSpace(in.ReuseAgreement)
	required := Sections
	if in.Reused {
		required = []string{Need}
		if len(in.ReuseAgreement) < MinReason {
			fs.Add("reuse-agreement", "Say how the family agreed that the advice already held is sufficient")
		}
	} else {
		in.ReuseAgreement = ""
	}
	for _, s := range required {
		if count[s] == 0 {
			fs.Add(s+"-1-body", "Write at least one "+words[s])
		}
	}
	return invalid(fs, "the advice cannot be submitted")
}

// Attachments: PDF only (by their first bytes, not their name), at most 3 of 10 MB each.
const (
	MaxAttachments    = 3
	MaxAttachmentSize = 10 << 20
)

var words = map[string]string{Need: "health need", Provision: "piece of provision", Outcome: "outcome", View: "view"}

// Submit returns a team's advice (advice.submit, a member of the team that
// holds the request). The first version records the clock's advice_received
// in the same transaction; a re-submission after feedback adds a version and
// keeps the others.
func Submit(ctx context.Context, d *db.DB, a access.Actor, id string, in SubmissionInput) (Submission, error) {
	now := db.Now()
	var s Submission
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, id, access.AdviceSubmit, now)
		if err != nil {
			return err
		}
		if err := in.check(); err != nil {
			return err
		}
		var contributor string
		if err := tx.QueryRowContext(ctx, "SELECT contributor FROM advice_requests WHERE id = $1", id).Scan(&contributor); err != nil {
			return err
		}
		s = Submission{ID: uuid.NewString(), RequestID: id, Reused: in.Reused, ReuseAgreement: in.ReuseAgreement, Status: AwaitingQA,
			SubmittedBy: a.Name, SubmittedAt: now, Statements: in.Statements}
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) + 1 FROM advice_submissions WHERE request_id = $1", id).Scan(&s.Version); err != nil {
			return err
		}
		var event any
		if s.Version == 1 {
			ev, err := casework.AddIn(ctx, d, tx, a, h.childID, casework.Input{Type: ehc.AdviceReceived.String(),
				Date: date.Today(now), Contributor: contributor, Note: "Returned through the team's advice queue"})
			if err != nil {
				return err
			}
			event = ev.ID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO advice_submissions (id, request_id, version, reused, reuse_agreement, status,
			received_event_id, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			s.ID, id, s.Version, s.Reused, nullable(s.ReuseAgreement), AwaitingQA, event, a.PersonID, now.UTC()); err != nil {
			return err
		}
		for i, st := range s.Statements {
			if _, err := tx.ExecContext(ctx, `INSERT INTO advice_statements (submission_id, seq, section, body, who, how_often, how_long, source)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.ID, i+1, st.Section, st.Body, nullable(st.Who), nullable(st.HowOften),
				nullable(st.HowLong), st.Source); err != nil {
				return err
			}
		}
		for _, at := range in.Attachments {
			sum := sha256.Sum256(at.Content)
			info := AttachmentInfo{ID: uuid.NewString(), Name: cleanName(at.Name), Size: len(at.Content), SHA256: hex.EncodeToString(sum[:])}
			if _, err := tx.ExecContext(ctx, `INSERT INTO advice_attachments (id, submission_id, name, size, sha256, content, uploaded_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, info.ID, s.ID, info.Name, info.Size, info.SHA256, at.Content, now.UTC()); err != nil {
				return err
			}
			s.Attachments = append(s.Attachments, info)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE advice_requests SET status = $1 WHERE id = $2", Submitted, id); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "advice.submit", id, h.childID, reason, now,
			audit.Change{Field: "version", New: fmt.Sprint(s.Version)}, audit.Change{Field: "statements", New: fmt.Sprint(len(s.Statements))})
	})
	return s, err
}

// cleanName keeps a file's own name, without any folder or control characters, for the download.
func cleanName(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "" {
		return "report.pdf"
	}
	return name
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// submissions loads the submissions matching cond (on advice_submissions s)
// oldest first, with their statements and reviews.
func submissions(ctx context.Context, tx *sql.Tx, cond string, args ...any) ([]Submission, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.request_id, s.version, s.reused, COALESCE(s.reuse_agreement, ''), s.status,
		p.given_name || ' ' || p.family_name, s.submitted_at
		FROM advice_submissions s JOIN people p ON p.id = s.submitted_by WHERE `+cond+` ORDER BY s.version`, args...)
	if err != nil {
		return nil, err
	}
	var out []Submission
	for rows.Next() {
		var s Submission
		if err := rows.Scan(&s.ID, &s.RequestID, &s.Version, &s.Reused, &s.ReuseAgreement, &s.Status, &s.SubmittedBy, &s.SubmittedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := fill(ctx, tx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fill reads a submission's statements and review.
func fill(ctx context.Context, tx *sql.Tx, s *Submission) error {
	rows, err := tx.QueryContext(ctx, `SELECT section, body, COALESCE(who, ''), COALESCE(how_often, ''), COALESCE(how_long, ''), source
		FROM advice_statements WHERE submission_id = $1 ORDER BY seq`, s.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var st Statement
		if err := rows.Scan(&st.Section, &st.Body, &st.Who, &st.HowOften, &st.HowLong, &st.Source); err != nil {
			rows.Close()
			return err
		}
		s.Statements = append(s.Statements, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, "SELECT id, name, size, sha256 FROM advice_attachments WHERE submission_id = $1 ORDER BY uploaded_at, id", s.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var at AttachmentInfo
		if err := rows.Scan(&at.ID, &at.Name, &at.Size, &at.SHA256); err != nil {
			rows.Close()
			return err
		}
		s.Attachments = append(s.Attachments, at)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var rv Review
	var reviewID string
	err = tx.QueryRowContext(ctx, `SELECT v.id, v.feedback, p.given_name || ' ' || p.family_name, v.reviewed_at
		FROM advice_reviews v JOIN people p ON p.id = v.reviewed_by WHERE v.submission_id = $1`, s.ID).Scan(&reviewID, &rv.Feedback, &rv.ReviewedBy, &rv.ReviewedAt)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT g.criterion_id, c.title, g.rating FROM advice_ratings g
		JOIN advice_rubric c ON c.id = g.criterion_id WHERE g.review_id = $1 ORDER BY c.position`, reviewID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g Rating
		if err := rows.Scan(&g.CriterionID, &g.Criterion, &g.Rating); err != nil {
			return err
		}
		rv.Ratings = append(rv.Ratings, g)
	}
	s.Review = &rv
	return rows.Err()
}

// Rubric lists the criteria in use, in order.
func Rubric(ctx context.Context, q access.Querier) ([]Criterion, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, title, description FROM advice_rubric WHERE active = $1 ORDER BY position, id", true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Criterion
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.Title, &c.Description); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MaxToAssure is the most submissions the DCO's list shows at once, oldest first.
const MaxToAssure = 500

// ToAssure lists the submissions waiting for the DCO, oldest first (advice.qa). Reading it is audited once.
func ToAssure(ctx context.Context, d *db.DB, a access.Actor) ([]Awaiting, error) {
	now := db.Now()
	var out []Awaiting
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		if !a.May(access.AdviceQA) || a.Disabled || a.Kind != access.Staff {
			return apperr.Errorf(apperr.Forbidden, "only the Designated Clinical Officer quality-assures health advice")
		}
		rows, err := tx.QueryContext(ctx, `SELECT s.id, r.id, c.given_name || ' ' || c.family_name, o.name, s.version, s.submitted_at, r.due_on, f.submitted_at
			FROM advice_submissions s JOIN advice_requests r ON r.id = s.request_id
			JOIN advice_submissions f ON f.request_id = r.id AND f.version = 1 JOIN children c ON c.id = r.child_id
			JOIN organisations o ON o.id = r.team_id WHERE s.status = $1 ORDER BY s.submitted_at, s.id LIMIT $2`, AwaitingQA, MaxToAssure)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w Awaiting
			var first time.Time
			if err := rows.Scan(&w.SubmissionID, &w.RequestID, &w.ChildName, &w.Team, &w.Version, &w.SubmittedAt, &w.Due, &first); err != nil {
				return err
			}
			w.OnTime = !date.Today(first).After(w.Due)
			out = append(out, w)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID,
			ActorRole: a.RoleTitle(), Action: "advice.qa.list", RecordType: "advice_qa", RecordID: a.PersonID,
			Reason: fmt.Sprintf("%s: %d submissions awaiting review", QAReason, len(out))})
		return err
	})
	return out, err
}

// Assure records the DCO's rating of one submission against every criterion
// in use, with written feedback to its author (advice.qa).
func Assure(ctx context.Context, d *db.DB, a access.Actor, requestID string, version int, in ReviewInput) error {
	now := db.Now()
	return d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, requestID, access.AdviceQA, now)
		if err != nil {
			return err
		}
		var subID, status string
		err = tx.QueryRowContext(ctx, "SELECT id, status FROM advice_submissions WHERE request_id = $1 AND version = $2", requestID, version).Scan(&subID, &status)
		if err == sql.ErrNoRows {
			return apperr.Errorf(apperr.NotFound, "there is no such version of the advice")
		}
		if err != nil {
			return err
		}
		if status != AwaitingQA {
			return apperr.Errorf(apperr.Conflict, "This version of the advice has already been reviewed")
		}
		rubric, err := Rubric(ctx, tx)
		if err != nil {
			return err
		}
		var fs apperr.Fields
		for _, c := range rubric {
			if !slices.Contains(Ratings, in.Ratings[c.ID]) {
				fs.Add("rating-"+c.ID, "Rate "+strings.ToLower(c.Title[:1])+c.Title[1:]+" red, amber or green")
			}
		}
		in.Feedback = strings.TrimSpace(in.Feedback)
		if len(in.Feedback) < MinReason {
			fs.Add("feedback", "Write the feedback to the author")
		}
		if err := invalid(fs, "the review cannot be recorded"); err != nil {
			return err
		}
		rid := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO advice_reviews (id, submission_id, feedback, reviewed_by, reviewed_at)
			VALUES ($1, $2, $3, $4, $5)`, rid, subID, in.Feedback, a.PersonID, now.UTC()); err != nil {
			return err
		}
		var changes []audit.Change
		for _, c := range rubric {
			if _, err := tx.ExecContext(ctx, "INSERT INTO advice_ratings (review_id, criterion_id, rating) VALUES ($1, $2, $3)",
				rid, c.ID, in.Ratings[c.ID]); err != nil {
				return err
			}
			changes = append(changes, audit.Change{Field: c.ID, New: in.Ratings[c.ID]})
		}
		if _, err := tx.ExecContext(ctx, "UPDATE advice_submissions SET status = $1 WHERE id = $2", Reviewed, subID); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "advice.assure", requestID, h.childID, reason, now, changes...)
	})
}

// ReadAttachment returns one attachment of a request's advice to whoever may
// read the request (Get's rule), and audits the read.
func ReadAttachment(ctx context.Context, d *db.DB, a access.Actor, requestID, attachmentID string) (AttachmentInfo, []byte, error) {
	now := db.Now()
	var info AttachmentInfo
	var content []byte
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, requestID, access.CaseView, now)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT t.id, t.name, t.size, t.sha256, t.content FROM advice_attachments t
			JOIN advice_submissions s ON s.id = t.submission_id WHERE t.id = $1 AND s.request_id = $2`, attachmentID, requestID).
			Scan(&info.ID, &info.Name, &info.Size, &info.SHA256, &content)
		if err == sql.ErrNoRows {
			return apperr.Errorf(apperr.NotFound, "there is no such attachment")
		}
		if err != nil {
			return err
		}
		return write(ctx, d, tx, a, "advice.attachment.view", requestID, h.childID, reason, now, audit.Change{Field: "attachment", New: info.Name})
	})
	return info, content, err
}
