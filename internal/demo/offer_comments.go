package demo

import (
	"time"

	"joinedup/internal/offer/comments"
)

// commentSamples are what families say about Local Offer entries, with the
// answer the Local Offer team gave; the kinds the public form offers.
var commentSamples = []struct{ kind, words, response string }{
	{comments.Problem, "The phone number on this page rings out. We tried three times on different days.",
		"We checked with the provider: the number changed in September. The page now shows the new number."},
	{comments.Comment, "The staff were kind and patient with my son, who finds new places hard. The visual timetable they sent beforehand really helped.",
		"Thank you. We have passed your comment to the provider and added \"visual timetable sent before the first visit\" to the accessibility details."},
	{comments.Suggestion, "Please say whether there is somewhere quiet to wait. It would save us a wasted trip.",
		"We have asked every provider to say whether there is a quiet space, and added it as something you can search for."},
	{comments.Complaint, "We were told the sessions were in term time only, but they stopped for half term without notice.",
		"The provider has apologised and now sends a term calendar to every family when they book. We have added the dates to this page."},
	{comments.Problem, "The age range says up to 18 but they told us they only take children up to 16.",
		"The provider confirmed the age range is 5 to 16. We have corrected the page."},
	{comments.Suggestion, "It would help to know if the building has a changing bench and hoist, not just a step-free entrance.",
		"We have added \"Changing Places toilet\" to the accessibility list and asked providers with one to tick it."},
	{comments.Comment, "Could not find anything about what to do while waiting for an ADHD assessment until a friend showed me the page.",
		"We have put \"Support while you wait\" on the home page and in the footer of every page."},
}

// offerComments adds families' comments on some Local Offer entries: most
// answered (and, where the sender agreed, published on "You said, we did"),
// some waiting for the Local Offer editor, one closed without publishing.
func offerComments(a *area) error {
	r := a.rng("local offer comments")
	l := a.g.l
	if len(a.offerServices) == 0 {
		return nil
	}
	now := a.g.today.Time().Add(10 * time.Hour)
	step := max(1, len(a.offerServices)/12)
	for i, n := 0, 0; i < len(a.offerServices) && n < 12; i, n = i+step, n+1 {
		svc := a.offerServices[i]
		sample := commentSamples[r.IntN(len(commentSamples))]
		received := now.Add(-time.Duration(24+r.IntN(120*24)) * time.Hour).Truncate(time.Second)
		c := comments.Item{ID: r.id(), ServiceID: svc.ID, ServiceName: svc.Name, Kind: sample.kind, Words: sample.words,
			Publish: r.IntN(4) != 0, Status: comments.New, ReceivedAt: received}
		if r.IntN(2) == 0 {
			c.Email = "parent" + threeDigits(r.IntN(1000)) + "@" + a.familyDomain
		}
		switch {
		case n%4 == 3: // the newest quarter wait for an answer
		case n == 5:
			c.Status, c.Reason = comments.NotPublished, "It names a child; we replied to the sender by email instead."
			c.DecidedName, c.DecidedAt = "Local Offer team", received.Add(50*time.Hour)
		default:
			c.Status, c.Response = comments.Addressed, sample.response
			c.DecidedName, c.DecidedAt = "Local Offer team", received.Add(time.Duration(24+r.IntN(14*24))*time.Hour)
			if c.DecidedAt.After(now) {
				c.DecidedAt = now
			}
		}
		if err := comments.LoadComment(l, c); err != nil {
			return err
		}
	}
	// One about the Local Offer as a whole, answered and published.
	return comments.LoadComment(l, comments.Item{ID: r.id(), ServiceName: comments.AboutOffer, Kind: comments.Suggestion,
		Words: "Please make the search work on a phone without so much scrolling.", Publish: true, Status: comments.Addressed,
		ReceivedAt: now.AddDate(0, -2, 0), Response: "The filters now sit below the results on a phone, and the search box is at the top of every page.",
		DecidedName: "Local Offer team", DecidedAt: now.AddDate(0, -2, 7)})
}
