package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/fhir"
)

// Health advice as FHIR R4 (issue 5): a request goes out as a Bundle (the
// Patient, the ServiceRequest, the Consent) and advice comes back as one (the
// Patient, a QuestionnaireResponse, DocumentReferences), through the JSON API
// or the answer page's upload. Reading goes through advice.Get and
// submitting through advice.Submit, so access and audit are theirs.

// fhirBodyLimit is the most an advice bundle may be: fhir.MaxBundle, which is
// advice's 3 reports of 10 MB as base64 plus 1 MB for the words (about 41 MB),
// not the 64 KiB of the rest of the API.
const fhirBodyLimit = fhir.MaxBundle

// apiAdviceFHIR is GET /api/v1/advice/{rid}/fhir: the request as a FHIR Bundle.
func (s *server) apiAdviceFHIR(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	req, err := advice.Get(r.Context(), s.db, a, r.PathValue("rid"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	parties, err := advice.PartiesOf(r.Context(), s.db, req.ID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	doc, err := fhir.RequestBundle(req, parties, db.Now())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", fhir.MediaType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "advice-request-" + req.ID + ".fhir.json"}))
	w.Write(doc)
}

// apiAdviceVersion is what an import stored: the version and its reports.
type apiAdviceVersion struct {
	RequestID   string          `json:"request_id"`
	Version     int             `json:"version"`
	Status      string          `json:"status"`
	Statements  int             `json:"statements"`
	Attachments []apiAttachment `json:"attachments"`
	SubmittedAt string          `json:"submitted_at"`
	Reused      bool            `json:"reused"`
}

type apiAttachment struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// apiAdviceFHIRImport is POST /api/v1/advice/{rid}/fhir: advice as a FHIR
// Bundle, checked and submitted in one transaction; 422 names each JSON pointer.
func (s *server) apiAdviceFHIRImport(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != fhir.MediaType && mt != "application/json") {
		apiError(w, http.StatusUnsupportedMediaType, apperr.Errorf(codeMediaType, "send the bundle as Content-Type: %s (or application/json)", fhir.MediaType))
		return
	}
	doc, err := io.ReadAll(http.MaxBytesReader(w, r.Body, fhirBodyLimit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		apiError(w, http.StatusRequestEntityTooLarge, apperr.Errorf(codeTooLarge, "the bundle is larger than %d bytes (3 PDF reports of %d MB as base64, and the advice)", fhirBodyLimit, advice.MaxAttachmentSize>>20))
		return
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	sub, err := s.importAdvice(r.Context(), a, r.PathValue("rid"), doc)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiAdviceVersion{RequestID: sub.RequestID, Version: sub.Version, Status: sub.Status, Statements: len(sub.Statements),
		Attachments: []apiAttachment{}, SubmittedAt: sub.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z"), Reused: sub.Reused}
	for _, at := range sub.Attachments {
		out.Attachments = append(out.Attachments, apiAttachment{at.ID, at.Name, at.Size, at.SHA256})
	}
	writeJSON(w, http.StatusCreated, out)
}

// importAdvice reads request id (advice.Get: its access rule and audit row),
// checks the bundle against it and submits the advice (advice.Submit: one
// transaction, nothing kept on any error). Refusals name JSON pointers.
func (s *server) importAdvice(ctx context.Context, a access.Actor, id string, doc []byte) (advice.Submission, error) {
	req, err := advice.Get(ctx, s.db, a, id)
	if err != nil {
		return advice.Submission{}, err
	}
	if a.TeamID != req.TeamID || !a.May(access.AdviceSubmit) {
		return advice.Submission{}, apperr.Errorf(apperr.Forbidden, "only the team asked for this advice can give it")
	}
	adv, err := fhir.ParseAdvice(doc, req)
	if err != nil {
		return advice.Submission{}, err
	}
	sub, err := advice.Submit(ctx, s.db, a, id, adv.Input)
	return sub, adv.Locate(err)
}

// adviceFHIRUpload is the answer page's upload: the same import, with the
// problems in the page's error summary, each naming its path in the bundle.
func (s *server) adviceFHIRUpload(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, fhirBodyLimit+1<<20)
	doc, problem, err := uploaded(r, "fhir")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := adviceAnswerPage{}
	if problem != "" {
		p.Errors = []apperr.Field{{Name: "fhir", Message: problem}}
	} else {
		_, err = s.importAdvice(r.Context(), a, r.PathValue("rid"), doc)
		fs := invalidFields(err)
		if fs == nil && err != nil {
			s.fail(w, r, err)
			return
		}
		if fs == nil {
			http.Redirect(w, r, "/staff/advice/"+url.PathEscape(r.PathValue("rid")), http.StatusSeeOther)
			return
		}
		for _, f := range fs {
			p.Errors = append(p.Errors, apperr.Field{Name: "fhir", Message: fmt.Sprintf("In the file at %s: %s", cmp.Or(f.Name, "the top"), f.Message)})
		}
	}
	s.adviceAnswerRender(w, r, &p, true)
}

// uploaded reads the one file sent as field name, or says what is wrong with the upload.
func uploaded(r *http.Request, name string) (doc []byte, problem string, err error) {
	err = r.ParseMultipartForm(1 << 20)
	switch {
	case errors.Is(err, http.ErrNotMultipart):
		return nil, "Choose the FHIR JSON file to upload", nil
	case errors.As(err, new(*http.MaxBytesError)):
		return nil, fmt.Sprintf("The file is too large: a bundle may hold at most %d reports of %d MB", advice.MaxAttachments, advice.MaxAttachmentSize>>20), nil
	case err != nil:
		return nil, "The upload could not be read: choose the file and upload it again", nil
	}
	f, fh, err := r.FormFile(name)
	if err != nil || fh.Size == 0 {
		return nil, "Choose the FHIR JSON file to upload", nil
	}
	defer f.Close()
	doc, err = io.ReadAll(f)
	return doc, "", err
}
