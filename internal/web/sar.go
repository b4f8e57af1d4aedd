package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/sar"
)

// sarPage is the subject access request form: whom it is about and why.
type sarPage struct {
	Subject, Reason string
	Errors          []apperr.Field
}

// sarForm asks for the subject and the request's reference. From a record
// page, ?subject= carries the record's id (a random id, not personal data).
func (s *server) sarForm(w http.ResponseWriter, r *http.Request) {
	s.renderForm(w, r, "sar.html", sarPage{Subject: strings.TrimSpace(r.URL.Query().Get("subject"))}, nil)
}

// sarExport answers the form with the archive as a download. The export is
// checked and audited in sar.Export, like any read of a record.
func (s *server) sarExport(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	form := sarPage{Subject: strings.TrimSpace(r.PostFormValue("subject")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	ar, err := sar.Export(r.Context(), s.db, a, form.Subject, form.Reason)
	if e := new(apperr.Error); errors.As(err, &e) && e.Code == apperr.Invalid {
		form.Errors = e.Fields
		s.renderForm(w, r, "sar.html", form, form.Errors)
		return
	}
	if apperr.CodeOf(err) == apperr.NotFound {
		// Hidden and missing look the same: 404, with the form to correct.
		form.Errors = []apperr.Field{{Name: "subject", Message: "There is no record you may export with that NHS number or id. Check it, or ask the organisation that holds the record"}}
		v, err := s.view(r, form)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Title = "Error: " + v.Title
		s.render(w, r, http.StatusNotFound, "sar.html", v)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := ar.WriteZip(&buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="`+ar.FileName()+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
