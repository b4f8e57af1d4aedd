// Package comments is families' comments on the Local Offer and the local
// authority's response (issue 6, point 4). The SEND Regulations 2014 (reg 56
// and Schedule 2) and the Children and Families Act 2014 s30(6) require the
// authority to seek comments on its Local Offer and to publish them, with
// what it did about them: the public "you said, we did" page.
//
// Anyone may send a comment without signing in. It waits as new until a
// Local Offer editor (offer.moderate) answers it, which marks it addressed,
// or closes it as not published with a reason. Only addressed comments whose
// sender agreed are published, as the words typed and the response: never
// the email address, which is there only so the team can reply.
//
// This is not a child's record: the rows say who decided what and when.
package comments

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"joinedup/internal/apperr"
)

// Kinds of comment, in the order the form offers them.
const (
	Comment    = "comment"
	Problem    = "problem"    // the information on the page is wrong
	Complaint  = "complaint"  // about the service itself
	Suggestion = "suggestion" // something the Local Offer should have or do
)

// Kinds are the kinds with the words the form shows.
var Kinds = []struct{ Value, Label, Hint string }{
	{Comment, "A comment", "What you think of this service or of the Local Offer"},
	{Problem, "A problem with the information", "Something on the page is wrong, missing or out of date"},
	{Complaint, "A complaint about the service", "Something went wrong when you used it"},
	{Suggestion, "A suggestion", "Something that would help families"},
}

// KindLabel is how a kind reads on the public page and the queue.
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Value == kind {
			return strings.TrimPrefix(k.Label, "A ")
		}
	}
	return kind
}

// Statuses of a comment.
const (
	New          = "new"           // waiting for an editor
	Addressed    = "addressed"     // answered; published when the sender agreed
	NotPublished = "not_published" // closed with a reason, never shown
)

// Limits on what people type.
const (
	MaxWords    = 2000 // characters of a comment
	MaxResponse = 2000 // characters of a response or reason
	MaxEmail    = 254  // RFC 5321's limit on an address
)

// Form is a comment as sent from the public form.
type Form struct {
	Kind    string
	Words   string
	Email   string
	Publish bool // the sender agrees to their words being published without their name
}

// Validate names every answer that is wrong. Words are kept as typed (only
// the blank lines around them trimmed): the pages escape them when shown.
func (f *Form) Validate() error {
	var fs apperr.Fields
	if !validKind(f.Kind) {
		fs.Add("kind", "Select what you want to tell us")
	}
	f.Words = strings.TrimSpace(f.Words)
	switch n := utf8.RuneCountInString(f.Words); {
	case !utf8.ValidString(f.Words):
		fs.Add("words", "Your comment has characters that cannot be read: type it again")
	case n == 0:
		fs.Add("words", "Enter what you want to tell us")
	case n > MaxWords:
		fs.Add("words", "Your comment must be 2,000 characters or fewer")
	}
	f.Email = strings.TrimSpace(f.Email)
	if f.Email != "" && !plausibleEmail(f.Email) {
		fs.Add("email", "Enter an email address in the correct format, like name@example.com, or leave it empty")
	}
	return fs.Err("Your comment")
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if x.Value == k {
			return true
		}
	}
	return false
}

// plausibleEmail accepts a bare address (no display name) with a dotted domain.
func plausibleEmail(s string) bool {
	if len(s) > MaxEmail || strings.ContainsAny(s, " \t\r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	dom := s[at+1:]
	return strings.Contains(dom, ".") && !strings.HasPrefix(dom, ".") && !strings.HasSuffix(dom, ".")
}

// Item is one comment as editors see it.
type Item struct {
	ID          string
	ServiceID   string // "" when about the Local Offer as a whole
	ServiceName string
	Kind        string
	Words       string
	Email       string
	Publish     bool
	Status      string
	ReceivedAt  time.Time
	Response    string
	Reason      string
	DecidedBy   string
	DecidedName string
	DecidedAt   time.Time
}

// Public is one published comment: no email, no sender, no editor.
type Public struct {
	ServiceID   string
	ServiceName string
	Kind        string
	Words       string
	Response    string
	ReceivedAt  time.Time
	AnsweredAt  time.Time
}

// Month is the published comments received in one month, newest first.
type Month struct {
	Month    time.Time // the first of the month, UTC
	Comments []Public
}

// YouSaid is the public page: the counts and the published comments by month.
type YouSaid struct {
	Received int // every comment received
	Answered int // those addressed with a response
	Months   []Month
}

// KindWords is the kind as people read it.
func (c Item) KindWords() string { return KindLabel(c.Kind) }

// KindWords is the kind as people read it.
func (p Public) KindWords() string { return KindLabel(p.Kind) }
