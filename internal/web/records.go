package web

import (
	"database/sql"
	"net/http"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
	"joinedup/internal/ident"
	"joinedup/internal/record"
)

// caseloadLimit is the most children one caseload page lists.
const caseloadLimit = 500

// caseload lists the children the signed-in member of staff works with.
func (s *server) caseload(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, total, err := record.Caseload(r.Context(), s.db, a, caseloadLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "caseload.html", struct {
		Children []record.Summary
		Total    int
	}{list, total})
}

// staffChild shows one child's record to staff who may see it.
func (s *server) staffChild(w http.ResponseWriter, r *http.Request) {
	s.child(w, r, access.CaseView, "child.html")
}

// familyChild shows a child's record to their family.
func (s *server) familyChild(w http.ResponseWriter, r *http.Request) {
	s.child(w, r, access.FamilyView, "family-child.html")
}

func (s *server) child(w http.ResponseWriter, r *http.Request, p access.Permission, page string) {
	a, _ := actorOf(r.Context())
	rec, err := record.Child(r.Context(), s.db, a, r.PathValue("id"), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, page, rec)
}

// familyChildren lists a family's own children (or the young person themself).
func (s *server) familyChildren(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := record.FamilyChildren(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "family-children.html", list)
}

// accessLog shows who has looked at a child's record: to the family, and to
// managers who may read the audit.
func (s *server) accessLog(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("id")
	looks, err := record.AccessLog(r.Context(), s.db, a, id, s.showStaffNames || a.Kind == access.Staff, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "access-log.html", struct {
		ChildID string
		Looks   []record.Look
		Staff   bool
	}{id, looks, a.Kind == access.Staff})
}

// breakGlassForm asks for the child's NHS number and the reason.
func (s *server) breakGlassForm(w http.ResponseWriter, r *http.Request) {
	s.renderForm(w, r, "break-glass.html", breakGlassPage{}, nil)
}

type breakGlassPage struct {
	NHSNumber, Reason string
	Errors            []apperr.Field
}

// breakGlass gives time-boxed access to a child the person has no
// relationship with, reports it to a manager, and audits it with the reason.
func (s *server) breakGlass(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	form := breakGlassPage{NHSNumber: strings.TrimSpace(r.PostFormValue("nhs-number")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	nhs, err := ident.NHSNumber(form.NHSNumber)
	if err != nil {
		form.Errors = append(form.Errors, apperr.Field{Name: "nhs-number", Message: "Enter the child's NHS number: " + err.(*ident.FieldError).Message})
	}
	if len(form.Reason) < 20 {
		form.Errors = append(form.Errors, apperr.Field{Name: "reason", Message: "Say why you need to see this record now, in at least 20 characters"})
	}
	if len(form.Errors) > 0 {
		s.renderForm(w, r, "break-glass.html", form, form.Errors)
		return
	}
	now := db.Now()
	var childID string
	err = s.db.Transact(r.Context(), func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(r.Context(), "SELECT id FROM children WHERE nhs_number = $1", nhs).Scan(&childID); err != nil {
			if err == sql.ErrNoRows {
				return apperr.Errorf(apperr.NotFound, "no child has that NHS number")
			}
			return err
		}
		if dec, err := access.Check(r.Context(), tx, a, access.CaseView, childID, now); err != nil || dec.Allow {
			return err // already allowed: no need to break the glass
		}
		l, err := access.BreakGlassAccess(r.Context(), tx, a, childID, form.Reason, now)
		if err != nil {
			return err
		}
		_, err = audit.Append(r.Context(), s.db, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID,
			ActorOrg: a.OrganisationID, ActorRole: a.RoleTitle(), Action: "child.break_glass", RecordType: "care_team",
			RecordID: l.ID, ChildID: childID, Reason: "break-glass: " + form.Reason,
			Changes: []audit.Change{{Field: "care team", New: "break-glass access until " + l.EndsAt.Format("2 January 2006 15:04")}}})
		return err
	})
	if apperr.CodeOf(err) == apperr.NotFound {
		form.Errors = []apperr.Field{{Name: "nhs-number", Message: "No child or young person has that NHS number. Check it and try again"}}
		s.renderForm(w, r, "break-glass.html", form, form.Errors)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.logger.WarnContext(r.Context(), "security: break-glass access", "request_id", a.RequestID)
	http.Redirect(w, r, "/staff/children/"+childID, http.StatusSeeOther)
}

func errInvalid(field, msg string) error {
	return &apperr.Error{Code: apperr.Invalid, Message: "there is a problem", Fields: []apperr.Field{{Name: field, Message: msg}}}
}

func errForbidden(msg string) error { return apperr.Errorf(apperr.Forbidden, "%s", msg) }
