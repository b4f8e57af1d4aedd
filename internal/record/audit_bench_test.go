package record

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/loadgen"
)

// CountyDB is a fresh database of kind ("sqlite" or "postgres") with the
// county demo loaded, for the benchmarks of this package and record_test.
func CountyDB(b *testing.B, kind string) *db.DB {
	b.Helper()
	var d *db.DB
	if kind == "sqlite" {
		d = dbtest.Open(b, filepath.Join(b.TempDir(), "county.db"))
	} else {
		d = dbtest.Postgres(b)
	}
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.County, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkAuditOverhead: what the audit row adds to a change of a child's
// record. The change is a handover (Reassign) on county demo data: the access
// check, ending the named-contact link, the new link, the names, the
// family's messages in the outbox and the durable commit. Iterations
// alternate between the change with its audit row (exactly Reassign) and the
// same change in the same transaction without it, over many children, so
// both halves see the same machine noise. Target (issue 3): the audit row
// costs under 20% of the change's own time.
func BenchmarkAuditOverhead(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			d := CountyDB(b, kind)
			ctx := context.Background()
			manager, kids, current, coords := handoverSetup(b, d)

			var with, without []time.Duration
			b.ResetTimer()
			for i := range b.N {
				child := kids[i/2%len(kids)]
				to := coords[0]
				if current[child] == to {
					to = coords[1]
				}
				// Each child is changed twice, audited once; every other pair
				// starts with the unaudited change, so neither always goes first.
				audited := (i%2 == 0) != (i/2%2 == 1)
				t0 := time.Now()
				err := d.Transact(ctx, func(tx *sql.Tx) error {
					_, e, err := handover(ctx, tx, manager, child, to, "Annual review due in March; the family prefers phone calls after 3pm.", db.Now())
					if err != nil || !audited {
						return err
					}
					_, err = audit.Append(ctx, d, tx, e)
					return err
				})
				took := time.Since(t0)
				if err != nil {
					b.Fatal(err)
				}
				current[child] = to
				if audited {
					with = append(with, took)
				} else {
					without = append(without, took)
				}
			}
			b.StopTimer()
			if len(without) == 0 {
				return
			}
			slices.Sort(with)
			slices.Sort(without)
			w, wo := loadgen.Percentile(with, 50), loadgen.Percentile(without, 50)
			b.ReportMetric(ms(w), "with-audit-p50-ms")
			b.ReportMetric(ms(wo), "without-p50-ms")
			b.ReportMetric(100*float64(w-wo)/float64(wo), "overhead-p50-%")
			mw, mwo := mean(with), mean(without)
			b.ReportMetric(100*float64(mw-mwo)/float64(mwo), "overhead-mean-%")
		})
	}
}

// handoverSetup finds a SEND manager, two coordinators of their council to
// hand children between, and the council's children with a named contact,
// each with their current contact.
func handoverSetup(b *testing.B, d *db.DB) (access.Actor, []string, map[string]string, []string) {
	ctx := context.Background()
	var id string
	if err := d.QueryRow("SELECT person_id FROM role_grants WHERE role = 'send_manager' ORDER BY person_id LIMIT 1").Scan(&id); err != nil {
		b.Fatal(err)
	}
	manager, err := access.LoadActor(ctx, d, id)
	if err != nil {
		b.Fatal(err)
	}
	people, err := access.Coordinators(ctx, d, manager.OrganisationID)
	if err != nil || len(people) < 2 {
		b.Fatalf("coordinators of the manager's council: %d, %v", len(people), err)
	}
	coords := []string{people[0].ID, people[1].ID}
	rows, err := d.Query(`SELECT child_id, person_id FROM care_team WHERE reason = 'allocated' AND purpose = $1 AND status = 'active'
		ORDER BY child_id LIMIT 1000`, access.NamedContact)
	if err != nil {
		b.Fatal(err)
	}
	current := map[string]string{}
	var kids []string
	for rows.Next() {
		var child, person string
		if err := rows.Scan(&child, &person); err != nil {
			b.Fatal(err)
		}
		kids, current[child] = append(kids, child), person
	}
	rows.Close()
	// Only the children this manager may hand over.
	kids = slices.DeleteFunc(kids, func(child string) bool {
		dec, err := access.Check(ctx, d, manager, access.CaseReassign, child, db.Now())
		return err != nil || !dec.Allow
	})
	if len(kids) < 100 {
		b.Fatalf("the manager may hand over %d children; want at least 100", len(kids))
	}
	return manager, kids, current, coords
}

func ms(t time.Duration) float64 { return float64(t.Microseconds()) / 1000 }

func mean(ts []time.Duration) time.Duration {
	var sum time.Duration
	for _, t := range ts {
		sum += t
	}
	return sum / time.Duration(len(ts))
}
