package cli_test

import (
	"strings"
	"testing"

	"joinedup/internal/cli"
	"joinedup/internal/db/dbtest"
)

// `joinedup offer remind` on both databases: the tiny demo (made as of
// 22 November 2026) has entries past their review-by date, so the first run
// writes reminders and names each; a second run the same day writes none;
// a bad --today is one clear line. The rules are remind's own tests'.
func TestOfferRemind(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			full, _ := offerDSNs(t, kind == "postgres")
			messages := func() int {
				return dbtest.Count(t, dbtest.Open(t, full), "SELECT COUNT(*) FROM outbox WHERE reference LIKE 'offer-review:%'")
			}
			r := run(t, nil, "offer", "remind", "--db", full, "--today", "2026-11-22", "--base-url", "https://send.example.org/")
			if r.code != cli.ExitOK || strings.Contains(r.stdout, " 0 review reminders") || !strings.Contains(r.stdout, "overdue\t") {
				t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			first := messages()
			if first == 0 {
				t.Fatal("the first run wrote no message")
			}
			r = run(t, map[string]string{"JOINEDUP_DB": full, "JOINEDUP_TODAY": "2026-11-22"}, "offer", "remind")
			if r.code != cli.ExitOK || !strings.Contains(r.stdout, "joinedup: 0 review reminders written to the outbox for 2026-11-22") {
				t.Errorf("second run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if n := messages(); n != first {
				t.Errorf("%d messages after the second run, want still %d", n, first)
			}
			oneLine(t, run(t, nil, "offer", "remind", "--db", full, "--today", "22/11/2026"), cli.ExitUsage, "today")
		})
	}
}
