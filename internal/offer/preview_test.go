package offer_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/offer"
)

// feedLines decodes an ndjson feed into services, to change some.
func feedLines(t *testing.T, feed []byte) []offer.Service {
	t.Helper()
	var out []offer.Service
	for _, line := range bytes.Split(bytes.TrimSpace(feed), []byte("\n")) {
		var s offer.Service
		if err := json.Unmarshal(line, &s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func encodeFeed(t *testing.T, svcs []offer.Service) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, s := range svcs {
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// A dry run lists each changed service's fields in words, before and after,
// as the import compares them: ids are left out, terms are named, and an
// unchanged field (or last_modified alone) is not listed.
func TestDryRunListsFieldChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tinyDemo(t, d)
		svcs := feedLines(t, exportNDJSON(t, d))
		var withPhone, withTerms int = -1, -1
		for i, s := range svcs {
			if withPhone < 0 && len(s.Contacts) > 0 && len(s.Contacts[0].Phones) > 0 {
				withPhone = i
			}
			if withTerms < 0 && i != withPhone && len(s.Attributes) > 1 {
				withTerms = i
			}
		}
		if withPhone < 0 || withTerms < 0 {
			t.Fatal("the tiny demo has no service with a phone, or none with two terms")
		}
		oldName, oldPhone := svcs[withPhone].Name, svcs[withPhone].Contacts[0].Phones[0].Number
		svcs[withPhone].Name = "Renamed by the feed"
		svcs[withPhone].Contacts[0].Phones[0].Number = "01905 000 111"
		svcs[withPhone].LastModified = svcs[withPhone].LastModified.AddDate(0, 0, 1)
		dropped := svcs[withTerms].Attributes[0].TaxonomyTerm.Name
		svcs[withTerms].Attributes = svcs[withTerms].Attributes[1:]
		svcs[0].LastModified = svcs[0].LastModified.AddDate(0, 0, 1) // only last_modified: unchanged

		rep := importFeed(t, d, encodeFeed(t, svcs), false)
		if len(rep.Changed) != 2 || len(rep.Was) != 2 {
			t.Fatalf("%d changed (%d before versions), want 2", len(rep.Changed), len(rep.Was))
		}
		got := map[string][]offer.FieldChange{}
		for i, it := range rep.Changed {
			got[it.Service.ID] = rep.Changes(i)
		}
		phone := got[svcs[withPhone].ID]
		if len(phone) != 2 || phone[0].Field != "name" || phone[0].Before != oldName || phone[0].After != "Renamed by the feed" ||
			phone[1].Field != "contacts" || !strings.Contains(phone[1].Before, oldPhone) || !strings.Contains(phone[1].After, "01905 000 111") {
			t.Errorf("the renamed service's changes: %+v", phone)
		}
		for _, c := range phone {
			if strings.Contains(c.Before+c.After, svcs[withPhone].Contacts[0].ID) {
				t.Errorf("%s shows an id: %+v", c.Field, c)
			}
		}
		terms := got[svcs[withTerms].ID]
		if len(terms) != 1 || terms[0].Field != "attributes" || !strings.Contains(terms[0].Before, dropped) || strings.Contains(terms[0].After, dropped) {
			t.Errorf("the service that lost a term: %+v (dropped %q)", terms, dropped)
		}
	})
}

// The fingerprint is the directory the feed was compared with: the same
// after a dry run, another once a service of the feed, or an organisation
// or a location it names, has changed; and ImportChecked refuses, writing
// nothing, when its check does.
func TestFingerprintFollowsTheDirectory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tinyDemo(t, d)
		feed := exportNDJSON(t, d)
		svcs := feedLines(t, feed)
		first := importFeed(t, d, feed, false)
		if again := importFeed(t, d, feed, false); again.Fingerprint != first.Fingerprint || len(first.Fingerprint) != 64 {
			t.Fatalf("two dry runs of one directory: %q and %q", first.Fingerprint, again.Fingerprint)
		}
		ctx := context.Background()
		prints := map[string]bool{first.Fingerprint: true}
		for _, c := range []struct{ what, stmt, id string }{
			{"a service's description", "UPDATE offer_services SET description = 'Changed meanwhile' WHERE id = $1", svcs[3].ID},
			{"an organisation's name", "UPDATE offer_organizations SET name = 'Renamed meanwhile' WHERE id = $1", svcs[5].OrganizationID},
			{"a location's name", "UPDATE offer_locations SET name = 'Moved meanwhile' WHERE id = $1", svcs[7].ServiceAtLocations[0].LocationID},
		} {
			if _, err := d.ExecContext(ctx, c.stmt, c.id); err != nil {
				t.Fatal(err)
			}
			fp := importFeed(t, d, feed, false).Fingerprint
			if prints[fp] {
				t.Errorf("after changing %s the fingerprint is one seen before", c.what)
			}
			prints[fp] = true
		}

		// Applying with a stale fingerprint writes nothing, not even also's row.
		svcs = feedLines(t, exportNDJSON(t, d))
		svcs[0].Name = "Would be renamed"
		items, err := offer.ReadFeed(bytes.NewReader(encodeFeed(t, svcs)))
		if err != nil {
			t.Fatal(err)
		}
		stale := errors.New("the directory changed")
		called := false
		_, err = offer.ImportChecked(ctx, d, items, importNow, func(r offer.ImportReport) error {
			if r.Fingerprint != first.Fingerprint {
				return stale
			}
			return nil
		}, func(*sql.Tx, offer.ImportReport) error { called = true; return nil })
		if !errors.Is(err, stale) || called {
			t.Fatalf("a stale fingerprint: %v (also called: %v)", err, called)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE name = 'Would be renamed'"); n != 0 {
			t.Errorf("the refused import renamed %d services", n)
		}
		rep, err := offer.ImportChecked(ctx, d, items, importNow, nil, func(tx *sql.Tx, r offer.ImportReport) error {
			if len(r.Changed) != 1 || !r.Applied {
				t.Errorf("also saw %d changed, applied %v", len(r.Changed), r.Applied)
			}
			return nil
		})
		if err != nil || !rep.Applied {
			t.Fatalf("applying: %v", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_services WHERE name = 'Would be renamed'"); n != 1 {
			t.Errorf("the import renamed %d services, want 1", n)
		}
	})
}

// A feed that is not UTF-8 is refused naming its lines (encoding/json would
// import each bad byte as U+FFFD); a byte-order mark is fine.
func TestFeedMustBeUTF8(t *testing.T) {
	d := dbtest.SQLite(t)
	tinyDemo(t, d)
	feed := exportNDJSON(t, d)
	lines := bytes.SplitAfter(feed, []byte("\n"))
	latin1 := bytes.Join([][]byte{lines[0], bytes.Replace(lines[1], []byte(`"name":"`), []byte("\"name\":\"Caf\xe9 "), 1), lines[2]}, nil)
	for _, c := range []struct {
		name string
		feed []byte
		want string // "" when the feed is read
	}{
		{"UTF-8", feed, ""},
		{"UTF-8 with a byte-order mark", append([]byte("\xef\xbb\xbf"), feed...), ""},
		{"Latin-1 on line 2", latin1, "line 2"},
		{"UTF-16", append([]byte{0xff, 0xfe}, '{', 0), "UTF-16"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := offer.ReadFeed(bytes.NewReader(c.feed))
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.Invalid {
				t.Fatalf("got %v, want a refusal", err)
			}
			text := e.Message
			for _, f := range e.Fields {
				text += " " + f.Name + ": " + f.Message
			}
			if !strings.Contains(text, c.want) || !strings.Contains(text, "UTF-8") {
				t.Errorf("the refusal %q does not name %q and say UTF-8", text, c.want)
			}
		})
	}
}
