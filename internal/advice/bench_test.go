package advice_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/web/browsertest"
)

// queueSize is the open requests in the benchmarked queue (issue 5).
const queueSize = 400

// BenchmarkTeamQueuePage: /staff/advice, a health team's open requests for
// advice soonest due first, with 400 open requests in Tom's speech and
// language therapy team on county data, from 1, 8 and 32 concurrent clients
// on loopback (internal/loadgen; issue 5 names no concurrency), the real
// `joinedup serve`. Every request reads the
// first page (50, soonest due first) and counts the queue through the access
// predicate, and writes its audit row. The 400 are loaded as the demo loads
// its own (a request row and the team's referral link each, due dates spread
// over the last and next 6 weeks). Target (issue 5): p99 under 50 ms.
func BenchmarkTeamQueuePage(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			srv, d, tom := fullQueue(b, kind)
			header := browsertest.StaffSession(b, d, tom)
			urls := []string{srv.URL + "/staff/advice"}
			if body := get(b, urls[0], header); strings.Count(body, `href="/staff/advice/`) != 50 || !strings.Contains(body, "400 open requests") {
				b.Fatalf("the first page lists %d requests, want 50 of 400", strings.Count(body, `href="/staff/advice/`))
			}
			for _, clients := range []int{1, 8, 32} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					b.Logf("%s, %d open requests, %d clients: %v", kind, queueSize, clients, browsertest.MeasureAt(b, clients, urls, header, 2000))
				})
			}
		})
	}
}

// fullQueue starts the real server on the county demo in a database of kind
// and fills the queue of Tom's speech and language therapy team to
// queueSize open requests; it returns Tom.
func fullQueue(b *testing.B, kind string) (*browsertest.Server, *db.DB, string) {
	b.Helper()
	srv, d := browsertest.County(b, kind)
	ctx := context.Background()
	var tom, team, coord string
	for _, p := range demo.Personas() {
		if p.Name == "Tom Nguyen" {
			if err := d.QueryRow("SELECT id, organisation_id FROM people WHERE email = $1", p.Email).Scan(&tom, &team); err != nil {
				b.Fatal(err)
			}
		}
		if p.Name == "Amira Hussain" {
			if err := d.QueryRow("SELECT id FROM people WHERE email = $1", p.Email).Scan(&coord); err != nil {
				b.Fatal(err)
			}
		}
	}
	open := dbtest.Count(b, d, "SELECT COUNT(*) FROM advice_requests WHERE team_id = $1 AND status = 'open'", team)
	today := date.Of(2026, 11, 22)
	err := d.Load(ctx, func(l *db.Loader) error {
		rows, err := l.Tx().QueryContext(ctx, `SELECT c.id FROM children c WHERE NOT EXISTS (SELECT 1 FROM advice_requests r
			WHERE r.child_id = c.id AND r.team_id = $1 AND r.status = 'open') ORDER BY c.id LIMIT $2`, team, queueSize-open)
		if err != nil {
			return err
		}
		var kids []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			kids = append(kids, id)
		}
		rows.Close()
		for i, child := range kids {
			received := today.AddDays(-84 + i%84)
			link := access.Link{ID: uuid.NewString(), ChildID: child, OrganisationID: team, Reason: access.Referral,
				Purpose: advice.LinkPurpose, GrantedBy: coord, StartsAt: received.Time()}
			if err := access.LoadLink(l, link); err != nil {
				return err
			}
			if err := l.Add("advice_requests", []string{"id", "child_id", "team_id", "contributor", "question", "consent", "sent_on",
				"received_on", "due_on", "status", "link_id", "requested_event_id", "requested_by", "requested_at"},
				uuid.NewString(), child, team, "Children's Speech and Language Therapy", "Advice on communication needs",
				"The family agreed on the request form", received, received, received.AddDays(42), advice.Open, link.ID,
				uuid.NewString(), coord, received.Time().Add(10*time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return srv, d, tom
}

func get(b *testing.B, url string, h http.Header) string {
	b.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return sb.String()
}
