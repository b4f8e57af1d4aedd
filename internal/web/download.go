package web

import (
	"bytes"
	"fmt"
	"net/http"

	"joinedup/internal/access"
	"joinedup/internal/pdf"
)

// readPermission is what reading a child's document asks of a: staff view the
// case, a parent or young person views their own.
func readPermission(a access.Actor) access.Permission {
	if a.Kind == access.Staff {
		return access.CaseView
	}
	return access.FamilyView
}

// sendPDF writes doc as a tagged PDF download called filename. The name must
// say what it is without naming the child: downloads folders are shared.
func (s *server) sendPDF(w http.ResponseWriter, r *http.Request, doc pdf.Document, filename string) {
	var b bytes.Buffer
	if err := pdf.Write(&b, doc); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, filename))
	h.Set("Content-Length", fmt.Sprint(b.Len()))
	_, _ = w.Write(b.Bytes())
}
