package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/casework"
	"joinedup/internal/db"
)

// leoLetter fills {lid} with a decision letter about Leo's final plan, sent
// by Amira the first time it is needed and reused after.
func (w matrixPeople) leoLetter(t *testing.T, d *db.DB, path string) string {
	t.Helper()
	if !strings.Contains(path, "{lid}") {
		return path
	}
	ctx := context.Background()
	var id string
	if err := d.QueryRow("SELECT COALESCE(MIN(id), '') FROM ehc_letters WHERE child_id = $1", w.leo).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if id == "" {
		amira, err := access.LoadActor(ctx, d, w.amira)
		if err != nil {
			t.Fatal(err)
		}
		c, err := casework.Get(ctx, d, amira, w.leo, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		events := casework.Appealable(c, c.Letters)
		if len(events) == 0 {
			t.Fatal("Leo's case has no decision to write a letter about")
		}
		l, err := casework.IssueLetter(ctx, d, amira, w.leo, casework.LetterInput{EventID: events[0].ID, Method: appeal.Email,
			Adviser: DefaultAdviser, Reasons: "The plan describes Leo's needs and the provision he is to have.", SentAt: db.Now().Add(-time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		id = l.ID
	}
	return strings.ReplaceAll(path, "{lid}", id)
}
