// Package offertest makes Local Offer feeds for tests and benchmarks: a
// directory of any size from a small one, deterministic and invented.
package offertest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

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
