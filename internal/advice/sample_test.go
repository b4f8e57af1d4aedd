package advice_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// The DCO's monthly audit sample (issue 5, point 3): of the advice first
// returned in a month, the 10 whose SHA-256 of the month and request id is
// least, so the same month shows the same sample every time; advice returned
// since takes its place by rank. A month not begun, or not a month, is
// refused naming the field; a clinician has no sample. Each read is audited.
func TestMonthlyAuditSample(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		w.assess()
		// The advice first returned in a month, as the database holds it, ranked as the package documents.
		expect := func(month string) []string {
			t.Helper()
			from, err := time.Parse("2006-01", month)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := dbx.Query(`SELECT request_id FROM advice_submissions WHERE version = 1 AND submitted_at >= $1 AND submitted_at < $2`,
				from, from.AddDate(0, 1, 0))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var in []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				in = append(in, id)
			}
			slices.SortFunc(in, func(x, y string) int {
				a, b := sha256.Sum256([]byte(month+"\n"+x)), sha256.Sum256([]byte(month+"\n"+y))
				return bytes.Compare(a[:], b[:])
			})
			return in
		}
		ids := func(list []advice.Sampled) []string {
			var out []string
			for _, s := range list {
				out = append(out, s.RequestID)
			}
			return out
		}
		// October gets 14 more pieces of advice, returned on the 1st to the 14th, so its sample is a cut.
		all := fillQueue(t, w, 14)
		for i, q := range all[len(all)-14-extra : len(all)-extra] {
			if _, err := dbx.Exec(`INSERT INTO advice_submissions (id, request_id, version, reused, status, submitted_by, submitted_at)
				VALUES ($1, $2, 1, $3, $4, $5, $6)`, uuid.NewString(), q.id, false, advice.AwaitingQA, w.tom.PersonID,
				time.Date(2026, 10, 1+i, 14, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			if _, err := dbx.Exec("UPDATE advice_requests SET status = $1 WHERE id = $2", advice.Submitted, q.id); err != nil {
				t.Fatal(err)
			}
		}
		for _, month := range []string{"2026-03", "2026-10"} {
			want := expect(month)
			if len(want) == 0 || month == "2026-10" && len(want) <= advice.SampleSize {
				t.Fatalf("%d pieces of advice returned in %s: too few", len(want), month)
			}
			audited := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'advice.qa.sample' AND record_id = $1", month)
			first, returned, err := advice.Sample(ctx, dbx, w.dco, month)
			if err != nil {
				t.Fatal(err)
			}
			again, _, err := advice.Sample(ctx, dbx, w.dco, month)
			if err != nil {
				t.Fatal(err)
			}
			if returned != len(want) || !slices.Equal(ids(first), want[:min(advice.SampleSize, len(want))]) || !slices.Equal(ids(again), ids(first)) {
				t.Errorf("%s: sampled %v of %d, then %v; want %v of %d", month, ids(first), returned, ids(again), want[:min(advice.SampleSize, len(want))], len(want))
			}
			for _, s := range first {
				if s.ChildName == "" || s.Team == "" || s.Versions < 1 || s.Returned.Format("2006-01") != month ||
					(!s.AwaitingQA && s.Rated.Total() != 6) || (s.AwaitingQA && s.Rated.Total() != 0) {
					t.Errorf("%s: %+v", month, s)
				}
			}
			if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'advice.qa.sample' AND record_id = $1", month); n != audited+2 {
				t.Errorf("%s: %d audit rows for two reads, want 2", month, n-audited)
			}
		}
		// Advice returned today joins November's population, in its place by rank.
		before := expect("2026-11")
		r := w.ask()
		if _, err := advice.Submit(ctx, dbx, w.tom, r.ID, goodAdvice()); err != nil {
			t.Fatal(err)
		}
		after := expect("2026-11")
		got, returned, err := advice.Sample(ctx, dbx, w.dco, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		if returned != len(before)+1 || !slices.Equal(ids(got), after[:min(advice.SampleSize, len(after))]) {
			t.Errorf("November after Tom's advice: %v of %d, want %v of %d", ids(got), returned, after[:min(advice.SampleSize, len(after))], len(before)+1)
		}
		for _, bad := range []string{"", "2026-13", "November", "2026-12", "2027-01"} {
			if _, _, err := advice.Sample(ctx, dbx, w.dco, bad); apperr.CodeOf(err) != apperr.Invalid || len(fieldsOf(err)) != 1 || fieldsOf(err)[0].Name != "month" {
				t.Errorf("month %q: %v", bad, err)
			}
		}
		if _, _, err := advice.Sample(ctx, dbx, w.tom, "2026-10"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a clinician's sample: %v", err)
		}
	})
}
