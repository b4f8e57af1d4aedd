package web

import (
	"net/http"
	"strings"

	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/offer/comments"
)

// Families' comments on the Local Offer (issue 6, point 4; SEND Regulations
// 2014 reg 56 and Schedule 2): a public form on every service page and on
// the search page, the editors' queue (offer.moderate), and the public "you
// said, we did" page. The work is internal/offer/comments'.

func (s *server) comments() *comments.Store { return &comments.Store{DB: s.db} }

// commentLimit caps comments per client address, with the sign-in limiter's
// database-backed sliding window: 10 in 10 minutes is plenty for a family.
func (s *server) commentLimit() *account.Limiter {
	return &account.Limiter{DB: s.db, Scope: "comments", Limit: 10}
}

type commentFormPage struct {
	ServiceID   string // "" for the Local Offer as a whole
	ServiceName string
	Action      string
	Form        comments.Form
	Kinds       []commentKind
	Errors      []apperr.Field
}

type commentKind struct {
	ID, Value, Label, Hint string
	Checked                bool
}

func (s *server) commentForm(w http.ResponseWriter, r *http.Request, status int, serviceID, name string, f comments.Form, errs []apperr.Field) {
	p := commentFormPage{ServiceID: serviceID, ServiceName: name, Form: f, Errors: errs, Action: "/tell-us"}
	if serviceID != "" {
		p.Action = "/services/" + serviceID + "/tell-us"
	}
	for i, k := range comments.Kinds {
		id := "kind"
		if i > 0 {
			id = "kind-" + k.Value
		}
		p.Kinds = append(p.Kinds, commentKind{ID: id, Value: k.Value, Label: k.Label, Hint: k.Hint, Checked: f.Kind == k.Value})
	}
	s.renderFormStatus(w, r, status, "offer-comment.html", p, errs)
}

// commentService is the entry a comment is about, from the path: "" for /tell-us.
func (s *server) commentService(w http.ResponseWriter, r *http.Request) (id, name string, ok bool) {
	id = r.PathValue("id")
	if id == "" {
		return "", comments.AboutOffer, true
	}
	if !uuidShape(id) {
		s.notFound(w, r)
		return "", "", false
	}
	name, err := s.comments().ServiceName(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return "", "", false
	}
	return id, name, true
}

// tellUsForm is the empty form; ?kind=problem chooses "report a problem".
func (s *server) tellUsForm(w http.ResponseWriter, r *http.Request) {
	id, name, ok := s.commentService(w, r)
	if !ok {
		return
	}
	s.commentForm(w, r, http.StatusOK, id, name, comments.Form{Kind: r.URL.Query().Get("kind")}, nil)
}

// tellUs stores the comment, or shows the form again saying what is wrong;
// nothing is stored then.
func (s *server) tellUs(w http.ResponseWriter, r *http.Request) {
	id, name, ok := s.commentService(w, r)
	if !ok {
		return
	}
	f := comments.Form{Kind: r.PostFormValue("kind"), Words: r.PostFormValue("words"), Email: r.PostFormValue("email"),
		Publish: r.PostFormValue("publish") == "yes"}
	if err := f.Validate(); err != nil {
		s.commentForm(w, r, http.StatusUnprocessableEntity, id, name, f, invalidFields(err))
		return
	}
	if !s.allow(w, r, s.commentLimit()) {
		s.commentForm(w, r, http.StatusTooManyRequests, id, name, f,
			[]apperr.Field{{Name: "words", Message: "There have been too many comments from here. Wait 10 minutes and try again"}})
		return
	}
	if _, err := s.comments().Send(r.Context(), id, f); err != nil {
		if fs := invalidFields(err); fs != nil {
			s.commentForm(w, r, http.StatusUnprocessableEntity, id, name, f, fs)
			return
		}
		s.fail(w, r, err)
		return
	}
	back := "/services"
	if id != "" {
		back = "/services/" + id
	}
	http.Redirect(w, r, "/tell-us/thank-you?back="+back, http.StatusSeeOther)
}

type thankYouPage struct{ Back string }

func (s *server) tellUsThanks(w http.ResponseWriter, r *http.Request) {
	back := r.URL.Query().Get("back")
	if id, ok := strings.CutPrefix(back, "/services/"); back != "/services" && !(ok && uuidShape(id)) {
		back = "/services" // only our own pages: never an open redirect
	}
	s.page(w, r, "offer-comment-thanks.html", thankYouPage{Back: back})
}

// youSaidWeDid is the public page of answered comments.
func (s *server) youSaidWeDid(w http.ResponseWriter, r *http.Request) {
	y, err := s.comments().Published(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.page(w, r, "you-said-we-did.html", y)
}

type commentQueuePage struct {
	Comments []comments.Item
	Done     string
}

func (s *server) commentQueue(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := s.comments().Queue(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done := map[string]string{"addressed": "The comment is answered. If its sender agreed, it is on the “You said, we did” page now.",
		"closed": "The comment is closed and will not be published."}[r.URL.Query().Get("done")]
	s.page(w, r, "offer-comment-queue.html", commentQueuePage{Comments: list, Done: done})
}

type commentReviewPage struct {
	Comment          comments.Item
	Response, Reason string
	Errors           []apperr.Field
}

func (s *server) commentReview(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	c, err := s.comments().Get(r.Context(), a, r.PathValue("cid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, "offer-comment-review.html", commentReviewPage{Comment: c}, nil)
}

// commentDecide answers (respond) or closes (close) a comment.
func (s *server) commentDecide(w http.ResponseWriter, r *http.Request, respond bool) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("cid")
	c, err := s.comments().Get(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := commentReviewPage{Comment: c, Response: r.PostFormValue("response"), Reason: r.PostFormValue("reason")}
	done := "addressed"
	if respond {
		err = s.comments().Respond(r.Context(), a, id, p.Response)
	} else {
		err = s.comments().Close(r.Context(), a, id, p.Reason)
		done = "closed"
	}
	if fs := invalidFields(err); fs != nil {
		p.Errors = fs
		s.renderForm(w, r, "offer-comment-review.html", p, fs)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/offer/comments?done="+done, http.StatusSeeOther)
}

func (s *server) commentRespond(w http.ResponseWriter, r *http.Request) { s.commentDecide(w, r, true) }
func (s *server) commentClose(w http.ResponseWriter, r *http.Request)   { s.commentDecide(w, r, false) }
