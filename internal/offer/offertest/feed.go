// Package offertest makes Local Offer feeds for tests and benchmarks: a
// directory of any size from a small one, deterministic and invented.
package offertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/db"
	"joinedup/internal/offer"
)

// Scaled is an ORUK ndjson feed of n services: base's, then copies of them
// with ids of their own (made from the copy's number and the old id, so the
// same n gives the same feed) and the copy's number after their names. The
// organisations, places and terms stay shared, as in a real directory, so a
// feed of a county's export scaled up searches like a bigger county.
func Scaled(base []offer.Service, n int) ([]byte, error) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	for i := range n {
		copyN, s := i/len(base), base[i%len(base)]
		if copyN > 0 {
			s = renumbered(s, copyN)
		}
		if err := enc.Encode(s); err != nil {
			return nil, err
		}
	}
	return out.Bytes(), nil
}

// Read decodes an ndjson feed (an export) into services.
func Read(feed []byte) ([]offer.Service, error) {
	var out []offer.Service
	for _, line := range bytes.Split(bytes.TrimSpace(feed), []byte("\n")) {
		var s offer.Service
		if err := json.Unmarshal(line, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// renumbered is copy number copyN of s: new ids for it and everything it
// owns, the organisation, places and terms as they are.
func renumbered(s offer.Service, copyN int) offer.Service {
	ns := uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint(copyN)))
	id := func(old string) string { return uuid.NewSHA1(ns, []byte(old)).String() }
	s.ID, s.Name = id(s.ID), fmt.Sprintf("%s (%d)", s.Name, copyN)
	s.ServiceAtLocations = each(s.ServiceAtLocations, func(x *offer.ServiceAtLocation) { x.ID, x.ServiceID = id(x.ID), s.ID })
	s.Schedules = each(s.Schedules, func(x *offer.Schedule) {
		x.ID, x.ServiceID = id(x.ID), s.ID
		if x.ServiceAtLocationID != "" {
			x.ServiceAtLocationID = id(x.ServiceAtLocationID)
		}
	})
	s.ServiceAreas = each(s.ServiceAreas, func(x *offer.ServiceArea) { x.ID = id(x.ID) })
	s.CostOptions = each(s.CostOptions, func(x *offer.CostOption) { x.ID = id(x.ID) })
	s.Contacts = each(s.Contacts, func(x *offer.Contact) {
		x.ID = id(x.ID)
		x.Phones = each(x.Phones, func(p *offer.Phone) { p.ID = id(p.ID) })
	})
	s.Attributes = each(s.Attributes, func(x *offer.Attribute) { x.ID, x.LinkID = id(x.ID), s.ID })
	return s
}

// each copies xs and changes each copy with fix.
func each[T any](xs []T, fix func(*T)) []T {
	out := make([]T, len(xs))
	copy(out, xs)
	for i := range out {
		fix(&out[i])
	}
	return out
}

// Grow imports copies of d's services, as Scaled makes them, until d holds
// n; the county demo grown to 20,000 is the large directory of issue 6's
// benchmarks. It returns how long the import took.
func Grow(tb testing.TB, d *db.DB, n int) time.Duration {
	tb.Helper()
	ctx := context.Background()
	var export bytes.Buffer
	if _, err := (&offer.Store{DB: d}).ExportNDJSON(ctx, &export); err != nil {
		tb.Fatal(err)
	}
	base, err := Read(export.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	feed, err := Scaled(base, n)
	if err != nil {
		tb.Fatal(err)
	}
	items, err := offer.ReadFeed(bytes.NewReader(feed))
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	rep, err := offer.Import(ctx, d, items, offer.ImportOptions{Apply: true})
	if err != nil {
		tb.Fatal(err)
	}
	took := time.Since(start)
	if len(rep.New)+len(rep.Unchanged) != n {
		tb.Fatalf("%d new, %d unchanged, %d changed", len(rep.New), len(rep.Unchanged), len(rep.Changed))
	}
	var stored int
	if err := d.QueryRow("SELECT COUNT(*) FROM offer_services").Scan(&stored); err != nil || stored != n {
		tb.Fatalf("%d services stored (%v), want %d", stored, err, n)
	}
	return took
}
