package sar_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/record"
	"joinedup/internal/sar"
	"joinedup/internal/session"
)

// world is the tiny demo at a fixed time, with something in every section
// for Leo Bennett and his mother Sarah: reads of his record, a handover with
// its note and message, a consent, a break-glass with its alert, and Sarah's
// own account, sessions and emailed links.
type world struct {
	t                                *testing.T
	d                                *db.DB
	daniel, amira, tom, sarah, other access.Actor
	leo, leoNHS, stranger            string
	sessionSecrets                   []string
}

const reason = "SAR-2026-0142, letter from the family"

func setUp(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	old := db.Now
	t.Cleanup(func() { db.Now = old })
	db.Now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	w := &world{t: t, d: d}
	w.daniel, w.amira, w.tom, w.sarah = w.persona("Daniel Okafor"), w.persona("Amira Hussain"), w.persona("Tom Nguyen"), w.persona("Sarah Bennett")
	w.leo = w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
	w.leoNHS = w.one("SELECT nhs_number FROM children WHERE id = $1", w.leo)
	// A child on SEN support, known only to their school: outside the council manager's reach.
	w.stranger = w.one(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support' AND NOT EXISTS (
		SELECT 1 FROM care_team ct JOIN organisations o ON o.id = ct.organisation_id WHERE ct.child_id = c.id
		AND (o.id = $1 OR o.parent_id = $1)) ORDER BY c.id LIMIT 1`, w.daniel.OrganisationID)
	// Another coordinator of the council, to hand Leo to.
	w.other = w.actor(w.one(`SELECT p.id FROM people p JOIN role_grants g ON g.person_id = p.id AND g.role = 'ehcp_coordinator'
		JOIN organisations o ON o.id = p.organisation_id WHERE p.id <> $1 AND (o.id = $2 OR o.parent_id = $2) ORDER BY p.id LIMIT 1`,
		w.amira.PersonID, w.daniel.OrganisationID))

	if _, err := record.Child(ctx, d, w.amira, w.leo, access.CaseView); err != nil {
		t.Fatal(err)
	}
	if _, err := record.Child(ctx, d, w.sarah, w.leo, access.FamilyView); err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	must(t, d.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := access.RecordConsent(ctx, tx, access.Consent{ChildID: w.leo, GivenBy: w.sarah.PersonID, OrganisationID: w.tom.TeamID,
			Information: []string{"education", "health"}, Purpose: "speech and language advice", Evidence: "signed form",
			GivenAt: now.Add(-time.Hour)}, w.amira.PersonID); err != nil {
			return err
		}
		_, err := access.BreakGlassAccess(ctx, tx, w.tom, w.leo, "Leo's carer phoned in crisis and his coordinator is away", now)
		return err
	}))
	if _, err := record.Reassign(ctx, d, w.daniel, w.leo, w.other.PersonID, "Leo's annual review is due in March; his mother prefers calls after 3pm."); err != nil {
		t.Fatal(err)
	}
	// Sarah's own account: a password, a confirmed address, a reset link, two sessions.
	account.Settings.BaseURL = "https://joinedup.example"
	verify, err := account.Register(ctx, d, w.sarah.PersonID, "correct horse battery staple 42")
	must(t, err)
	must(t, account.VerifyEmail(ctx, d, verify))
	must(t, account.RequestReset(ctx, d, w.one("SELECT email FROM people WHERE id = $1", w.sarah.PersonID)))
	for range 2 {
		secret, _, err := session.Create(ctx, d, w.sarah.PersonID, "password", "Firefox on a test machine", session.FamilyTimeouts)
		must(t, err)
		w.sessionSecrets = append(w.sessionSecrets, secret)
	}
	return w
}

func (w *world) one(q string, args ...any) string {
	w.t.Helper()
	var s string
	if err := w.d.QueryRow(q, args...).Scan(&s); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	return s
}

func (w *world) actor(id string) access.Actor {
	w.t.Helper()
	a, err := access.LoadActor(context.Background(), w.d, id)
	must(w.t, err)
	return a
}

func (w *world) persona(name string) access.Actor {
	w.t.Helper()
	for _, p := range demo.Personas() {
		if p.Name == name {
			a := w.actor(w.one("SELECT id FROM people WHERE email = $1", p.Email))
			a.RequestID = "test-" + strings.Fields(name)[0]
			return a
		}
	}
	w.t.Fatalf("no persona %s", name)
	return access.Actor{}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// archive is an export read back from its ZIP, as its recipient reads it.
type archive struct {
	files    map[string][]byte
	manifest sar.Manifest
}

// section is a section's JSON file.
type section struct {
	Section string           `json:"section"`
	Columns []string         `json:"columns"`
	Rows    []map[string]any `json:"rows"`
	LeftOut int              `json:"rows_left_out"`
}

func unzip(t *testing.T, ar *sar.Archive) archive {
	t.Helper()
	var buf bytes.Buffer
	must(t, ar.WriteZip(&buf))
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	must(t, err)
	out := archive{files: map[string][]byte{}}
	for _, f := range z.File {
		r, err := f.Open()
		must(t, err)
		out.files[f.Name], err = io.ReadAll(r)
		must(t, err)
		r.Close()
	}
	must(t, json.Unmarshal(out.files[sar.ManifestFile], &out.manifest))
	return out
}

func (a archive) section(t *testing.T, name string) (section, bool) {
	t.Helper()
	data, ok := a.files[name+".json"]
	if !ok {
		return section{}, false
	}
	var s section
	must(t, json.Unmarshal(data, &s))
	return s, true
}

// rows returns a section's rows, failing if it is missing.
func (a archive) rows(t *testing.T, name string) []map[string]any {
	t.Helper()
	s, ok := a.section(t, name)
	if !ok {
		t.Fatalf("no %s section; files: %v", name, a.names())
	}
	return s.Rows
}

func (a archive) names() []string {
	var n []string
	for k := range a.files {
		n = append(n, k)
	}
	return n
}

// has reports whether some row has every given column value.
func has(rows []map[string]any, want map[string]any) bool {
	for _, r := range rows {
		ok := true
		for k, v := range want {
			if r[k] != v {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestExportAChild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
		ar, err := sar.Export(ctx, d, w.daniel, w.leoNHS, reason) // by NHS number
		must(t, err)
		a := unzip(t, ar)

		if m := a.manifest; m.Subject.Kind != sar.KindChild || m.Subject.ChildID != w.leo || m.Subject.Name != "Leo Bennett" ||
			m.GeneratedBy.Name != "Daniel Okafor" || m.GeneratedBy.Organisation == "" || m.Reason != reason || m.Access == "" ||
			!m.GeneratedAt.Equal(db.Now()) {
			t.Errorf("manifest: %+v", m)
		}
		if r := a.rows(t, "record"); len(r) != 1 || r[0]["given_name"] != "Leo" || r[0]["nhs_number"] != w.leoNHS ||
			!regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(r[0]["date_of_birth"].(string)) {
			t.Errorf("record: %v", r)
		}
		if r := a.rows(t, "family"); !has(r, map[string]any{"name": "Sarah Bennett", "relationship": "mother", "parental_responsibility": true}) {
			t.Errorf("family: %v", r)
		}
		care := a.rows(t, "care_team")
		for _, want := range []map[string]any{
			{"member": "Amira Hussain", "reason": "allocated", "status": "ended", "purpose": access.NamedContact},
			{"member": w.other.Name, "reason": "allocated", "status": "active", "granted_by": "Daniel Okafor"},
			{"member": "Tom Nguyen", "reason": "break_glass"},
			{"reason": "consent_share", "purpose": "speech and language advice"},
			{"reason": "referral"},
		} {
			if !has(care, want) {
				t.Errorf("care team has no %v: %v", want, care)
			}
		}
		notes := a.rows(t, "notes")
		if !has(notes, map[string]any{"kind": "handover note", "written_for": w.other.Name, "written_by": "Daniel Okafor"}) ||
			!has(notes, map[string]any{"kind": "reason for emergency access", "note": "Leo's carer phoned in crisis and his coordinator is away"}) {
			t.Errorf("notes: %v", notes)
		}
		if r := a.rows(t, "consents"); len(r) != 1 || r[0]["given_by"] != "Sarah Bennett" || r[0]["evidence"] != "signed form" {
			t.Errorf("consents: %v", r)
		}
		if r := a.rows(t, "access_alerts"); len(r) != 1 || r[0]["kind"] != "break_glass" {
			t.Errorf("access alerts: %v", r)
		}
		if r := a.rows(t, "messages"); len(r) == 0 || !strings.Contains(r[0]["subject"].(string), "named contact") {
			t.Errorf("messages: %v", r)
		}
		log := a.rows(t, "access_log")
		if !has(log, map[string]any{"name": "Amira Hussain", "role": "EHCP coordinator", "what": "Looked at the record", "why": "allocated worker"}) ||
			!has(log, map[string]any{"name": "Sarah Bennett", "role": "Parent or carer"}) ||
			!has(log, map[string]any{"name": "Daniel Okafor", "action": "child.reassign"}) {
			t.Errorf("access log: %v", log)
		}
		// Leo has no account of his own: no sections about one.
		for _, n := range []string{"personal_details", "sessions", "account", "account_links", "roles", "actions"} {
			if _, ok := a.section(t, n); ok {
				t.Errorf("a child without an account has a %s section", n)
			}
		}

		// The export is audited on Leo's record, in its own row, with the reason.
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events"); n != before+1 {
			t.Errorf("the export wrote %d audit rows, want 1", n-before)
		}
		var action, actor, child, why string
		must(t, d.QueryRow("SELECT action, actor_id, child_id, reason FROM audit_events ORDER BY seq DESC LIMIT 1").Scan(&action, &actor, &child, &why))
		if action != "sar.export" || actor != w.daniel.PersonID || child != w.leo || !strings.Contains(why, reason) || !strings.Contains(why, "owning team") {
			t.Errorf("audit row: %s by %s on %s: %q", action, actor, child, why)
		}
		if _, err := audit.Verify(ctx, d); err != nil {
			t.Error(err)
		}
		// Leo's family see the export in who has looked at his record.
		looks, err := record.AccessLog(ctx, d, w.sarah, w.leo, false, 5)
		must(t, err)
		if len(looks) == 0 || looks[0].What != "Exported the record for a subject access request" {
			t.Errorf("the family's access log: %+v", looks)
		}
		// By record id, the same subject.
		byID, err := sar.Export(ctx, d, w.daniel, w.leo, reason)
		must(t, err)
		if byID.Manifest.Subject != ar.Manifest.Subject {
			t.Errorf("by id %+v, by NHS number %+v", byID.Manifest.Subject, ar.Manifest.Subject)
		}
	})
}

func TestExportAParent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		// Sarah is also linked to a child the council does not work with: those rows are counted, not read.
		_, err := d.Exec(`INSERT INTO family_links (child_id, person_id, relationship, parental_responsibility, lives_with_child)
			VALUES ($1, $2, 'other_carer', $3, $3)`, w.stranger, w.sarah.PersonID, false)
		must(t, err)
		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
		ar, err := sar.Export(ctx, d, w.daniel, w.sarah.PersonID, reason)
		must(t, err)
		a := unzip(t, ar)
		if s := a.manifest.Subject; s.Kind != sar.KindPerson || s.PersonID != w.sarah.PersonID || s.Name != "Sarah Bennett" {
			t.Errorf("subject %+v", s)
		}
		if r := a.rows(t, "personal_details"); len(r) != 1 || r[0]["kind"] != "parent_carer" || r[0]["email"] == nil {
			t.Errorf("personal details: %v", r)
		}
		fam, _ := a.section(t, "family")
		if len(fam.Rows) != 1 || fam.Rows[0]["child"] != "Leo Bennett" || fam.Rows[0]["parental_responsibility"] != true || fam.LeftOut != 1 {
			t.Errorf("family: %+v", fam)
		}
		if strings.Contains(string(a.files["family.json"]), w.stranger) {
			t.Error("the family section names a child outside the manager's reach")
		}
		if r := a.rows(t, "consents"); len(r) != 1 || r[0]["child"] != "Leo Bennett" {
			t.Errorf("consents: %v", r)
		}
		msgs := a.rows(t, "messages")
		if !has(msgs, map[string]any{"reference": "handover-" + w.one("SELECT id FROM care_team WHERE person_id = $1 AND child_id = $2", w.other.PersonID, w.leo)}) ||
			!has(msgs, map[string]any{"reference": "account-verify:" + w.sarah.PersonID}) ||
			!has(msgs, map[string]any{"reference": "account-reset:" + w.sarah.PersonID}) {
			t.Errorf("messages: %v", msgs)
		}
		for _, m := range msgs {
			if s, _ := m["what_to_do"].(string); strings.Contains(s, "token=") && !strings.Contains(s, "token=[removed]") {
				t.Errorf("a link's secret is in a message: %q", s)
			}
		}
		if r := a.rows(t, "sessions"); len(r) != 2 || r[0]["browser"] != "Firefox on a test machine" || r[0]["signed_in_with"] != "password" {
			t.Errorf("sessions: %v", r)
		}
		if r := a.rows(t, "account"); len(r) != 1 || r[0]["email_confirmed_at"] == nil {
			t.Errorf("account: %v", r)
		}
		if r := a.rows(t, "account_links"); !has(r, map[string]any{"purpose": "verify_email"}) || !has(r, map[string]any{"purpose": "reset_password"}) {
			t.Errorf("account links: %v", r)
		}
		if r := a.rows(t, "actions"); !has(r, map[string]any{"action": "child.view", "child_id": w.leo, "what": "Looked at the record"}) {
			t.Errorf("actions: %v", r)
		}
		for _, n := range []string{"record", "notes", "access_alerts", "access_log"} {
			if _, ok := a.section(t, n); ok {
				t.Errorf("an adult's export has a %s section", n)
			}
		}
		// One audit row for Sarah, and one on Leo's record, whose details it holds.
		rows, err := d.Query("SELECT record_type, record_id, COALESCE(child_id, '') FROM audit_events WHERE seq > $1 ORDER BY seq", before)
		must(t, err)
		var got []string
		for rows.Next() {
			var rt, id, child string
			must(t, rows.Scan(&rt, &id, &child))
			got = append(got, rt+"/"+id+"/"+child)
		}
		rows.Close()
		if want := []string{"person/" + w.sarah.PersonID + "/", "person/" + w.sarah.PersonID + "/" + w.leo}; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("audit rows %v, want %v", got, want)
		}
	})
}

// A young person with their own account is one subject: their record and their account.
func TestExportAYoungPersonWithAnAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setUp(t, d)
		kai := w.persona("Kai Thompson")
		ar, err := sar.Export(context.Background(), d, w.daniel, kai.PersonID, reason)
		must(t, err)
		a := unzip(t, ar)
		if s := a.manifest.Subject; s.Kind != sar.KindChild || s.PersonID != kai.PersonID || s.ChildID == "" {
			t.Errorf("subject %+v", s)
		}
		for _, n := range []string{"record", "personal_details", "family", "care_team", "access_log", "actions", "sessions"} {
			if _, ok := a.section(t, n); !ok {
				t.Errorf("no %s section", n)
			}
		}
	})
}

// Staff of the manager's own council may be exported: their roles, and the children they work with.
func TestExportAMemberOfStaff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setUp(t, d)
		ar, err := sar.Export(context.Background(), d, w.daniel, w.amira.PersonID, reason)
		must(t, err)
		a := unzip(t, ar)
		if r := a.rows(t, "roles"); len(r) != 1 || r[0]["role"] != "ehcp_coordinator" || r[0]["scope"] != "own" {
			t.Errorf("roles: %v", r)
		}
		if r := a.rows(t, "care_team"); !has(r, map[string]any{"child": "Leo Bennett", "status": "ended"}) {
			t.Errorf("care team: %v", r)
		}
		if r := a.rows(t, "actions"); !has(r, map[string]any{"action": "child.view", "child_id": w.leo}) {
			t.Errorf("actions: %v", r)
		}
	})
}

// Nothing secret reaches an archive: no password hash, no hash of a session
// or an emailed link, no session secret, no link's secret.
func TestNoSecretInAnyFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		secrets := append([]string{}, w.sessionSecrets...)
		for _, q := range []string{"SELECT password_hash FROM local_accounts", "SELECT token_hash FROM account_tokens",
			"SELECT secret_hash FROM sessions", "SELECT body FROM outbox"} {
			rows, err := d.Query(q)
			must(t, err)
			for rows.Next() {
				var s string
				must(t, rows.Scan(&s))
				if strings.HasPrefix(q, "SELECT body") { // the secrets of emailed links
					for _, m := range regexp.MustCompile(`token=([^\s&]+)`).FindAllStringSubmatch(s, -1) {
						secrets = append(secrets, m[1])
					}
					continue
				}
				secrets = append(secrets, s)
			}
			rows.Close()
		}
		if len(secrets) < 8 {
			t.Fatalf("only %d secrets to look for: the set-up did not make them", len(secrets))
		}
		for _, subject := range []string{w.leo, w.sarah.PersonID} {
			ar, err := sar.Export(ctx, d, w.daniel, subject, reason)
			must(t, err)
			a := unzip(t, ar)
			for name, data := range a.files {
				for _, s := range secrets {
					if strings.Contains(string(data), s) {
						t.Errorf("%s of %s holds a secret (%.12s…)", name, subject, s)
					}
				}
				for _, col := range []string{"password_hash", "token_hash", "secret_hash", "claim_token"} {
					if strings.Contains(string(data), col) {
						t.Errorf("%s of %s has a %s", name, subject, col)
					}
				}
			}
		}
	})
}

// Hidden and missing look the same; a role without sar.export is refused;
// nothing refused is audited.
func TestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		// A parent none of whose children the council works with.
		strangerParent := w.one(`SELECT p.id FROM people p WHERE p.kind = 'parent_carer' AND NOT EXISTS (
			SELECT 1 FROM family_links fl JOIN care_team ct ON ct.child_id = fl.child_id JOIN organisations o ON o.id = ct.organisation_id
			WHERE fl.person_id = p.id AND (o.id = $1 OR o.parent_id = $1)) ORDER BY p.id LIMIT 1`, w.daniel.OrganisationID)
		disabled := w.daniel
		disabled.Disabled = true
		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events")
		cases := []struct {
			name    string
			who     access.Actor
			subject string
			reason  string
			code    apperr.Code
		}{
			{"a child outside the manager's reach", w.daniel, w.stranger, reason, apperr.NotFound},
			{"no such record", w.daniel, "00000000-0000-4000-8000-000000000000", reason, apperr.NotFound},
			{"no child has the NHS number", w.daniel, "999 000 0018", reason, apperr.NotFound},
			{"a parent of a child outside reach", w.daniel, strangerParent, reason, apperr.NotFound},
			{"staff of another organisation", w.daniel, w.tom.PersonID, reason, apperr.NotFound},
			{"a disabled account", disabled, w.leo, reason, apperr.NotFound},
			{"a coordinator", w.amira, w.leo, reason, apperr.Forbidden},
			{"a therapist", w.tom, w.leo, reason, apperr.Forbidden},
			{"a parent", w.sarah, w.leo, reason, apperr.Forbidden},
			{"no reason", w.daniel, w.leo, " too short ", apperr.Invalid},
			{"no subject", w.daniel, " ", reason, apperr.Invalid},
		}
		for _, c := range cases {
			_, err := sar.Export(ctx, d, c.who, c.subject, c.reason)
			if apperr.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		var e *apperr.Error
		if _, err := sar.Export(ctx, d, w.daniel, "", "short"); !errors.As(err, &e) || len(e.Fields) != 2 || e.Fields[0].Name != "subject" || e.Fields[1].Name != "reason" {
			t.Errorf("both fields wrong: %v", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events"); n != before {
			t.Errorf("refused exports wrote %d audit rows", n-before)
		}
	})
}

// The manifest lists every file with its true checksum and row count, and
// the document has a heading for each section.
func TestManifestAndDocument(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setUp(t, d)
		for _, subject := range []string{w.leo, w.sarah.PersonID} {
			ar, err := sar.Export(context.Background(), d, w.daniel, subject, reason)
			must(t, err)
			a := unzip(t, ar)
			m := a.manifest
			if m.Format != sar.Format || len(m.Sections) == 0 {
				t.Fatalf("manifest %+v", m)
			}
			if len(a.files) != len(m.Sections)+2 {
				t.Errorf("%d files for %d sections, the manifest and the document", len(a.files), len(m.Sections))
			}
			doc := string(a.files[sar.DocumentFile])
			if sum := sha256.Sum256(a.files[sar.DocumentFile]); m.Document.File != sar.DocumentFile || hex.EncodeToString(sum[:]) != m.Document.SHA256 {
				t.Errorf("the document's checksum %+v does not match the file", m.Document)
			}
			for _, e := range m.Sections {
				sum := sha256.Sum256(a.files[e.File])
				if hex.EncodeToString(sum[:]) != e.SHA256 {
					t.Errorf("%s: checksum %s in the manifest does not match the file", e.File, e.SHA256)
				}
				s, _ := a.section(t, e.Name)
				if len(s.Rows) != e.Rows || s.LeftOut != e.LeftOut || s.Section != e.Name || e.File != e.Name+".json" {
					t.Errorf("%s: %d rows, manifest says %d", e.File, len(s.Rows), e.Rows)
				}
				if !strings.Contains(doc, `<h2 id="`+e.Name+`">`+html.EscapeString(e.Title)+`</h2>`) {
					t.Errorf("the document has no heading for %s", e.Name)
				}
			}
			for _, bad := range []string{"<script", "<link", "src=", "url(", "@import"} {
				if strings.Contains(doc, bad) {
					t.Errorf("the document is not self-contained: it has %q", bad)
				}
			}
			if !strings.Contains(doc, `<html lang="en">`) || !strings.Contains(doc, "<h1>Subject access request: "+m.Subject.Name+"</h1>") {
				t.Error("the document has no language or no h1")
			}
		}
	})
}
