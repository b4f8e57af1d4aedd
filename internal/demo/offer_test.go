package demo_test

import (
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
)

// The tiny demo's Local Offer: 40 services, each complete enough for a family
// to use and for every ORUK filter to find, all invented.
func TestTinyLocalOffer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		generate(t, d, demo.Tiny, 1)
		for _, c := range []struct {
			q    string
			want int
		}{
			{"SELECT COUNT(*) FROM offer_services", 40},
			{"SELECT COUNT(*) FROM offer_taxonomies", 6},
			// every service somewhere, with a schedule, a cost, a contact, terms and an age range
			{"SELECT COUNT(*) FROM offer_services s WHERE NOT EXISTS (SELECT 1 FROM offer_service_at_locations x WHERE x.service_id = s.id)", 0},
			{"SELECT COUNT(*) FROM offer_services s WHERE NOT EXISTS (SELECT 1 FROM offer_schedules x WHERE x.service_id = s.id)", 0},
			{"SELECT COUNT(*) FROM offer_services s WHERE NOT EXISTS (SELECT 1 FROM offer_cost_options x WHERE x.service_id = s.id)", 0},
			{"SELECT COUNT(*) FROM offer_services s WHERE NOT EXISTS (SELECT 1 FROM offer_contacts x WHERE x.service_id = s.id)", 0},
			{"SELECT COUNT(*) FROM offer_services s WHERE (SELECT COUNT(*) FROM offer_attributes x WHERE x.service_id = s.id) < 3", 0},
			{"SELECT COUNT(*) FROM offer_services WHERE minimum_age IS NULL OR maximum_age IS NULL", 0},
			{"SELECT COUNT(*) FROM (SELECT name FROM offer_services GROUP BY name HAVING COUNT(*) > 1) x", 0},
			// every address's postcode can be searched from; every place is a place
			{"SELECT COUNT(*) FROM offer_addresses a WHERE NOT EXISTS (SELECT 1 FROM postcodes p WHERE p.postcode = a.postal_code)", 0},
			{"SELECT COUNT(*) FROM offer_locations WHERE location_type = 'physical' AND latitude IS NULL", 0},
			// invented contact details only: Ofcom's drama numbers, reserved domains
			{"SELECT COUNT(*) FROM offer_phones WHERE number NOT LIKE '01632 960___'", 0},
			{"SELECT COUNT(*) FROM offer_services WHERE email NOT LIKE '%.demo.joinedup.invalid' OR url NOT LIKE 'https://%.demo.joinedup.invalid/%'", 0},
		} {
			if n := dbtest.Count(t, d, c.q); n != c.want {
				t.Errorf("%s: %d, want %d", c.q, n, c.want)
			}
		}
		// Some entries are stale (not confirmed for three months), for the staleness report to find.
		stale := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE last_checked < $1", today.Time().AddDate(0, -3, 0))
		if stale == 0 || stale > 20 {
			t.Errorf("%d of 40 services are stale, want a few", stale)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE keywords = ''"); n != 0 {
			t.Errorf("%d services have no search keywords", n)
		}
	})
}
