// Package demo generates a synthetic Local Area Partnership: deterministic for
// a seed, invented throughout, and large enough to be honest about speed.
package demo

import (
	"context"
	"errors"

	"joinedup/internal/date"
	"joinedup/internal/db"
)

// Scales the generator knows.
const (
	Tiny     = "tiny"     // a few hundred children: for tests and a quick look
	County   = "county"   // one county partnership, the size of the one in the seeds
	National = "national" // about 150 areas: for performance work on PostgreSQL
)

// Options choose what to generate.
type Options struct {
	Scale string
	Seed  int64
	// Today anchors ages and dates; the same seed and Today give the same data.
	Today date.Date
}

// Summary counts what was generated.
type Summary struct {
	Areas         int
	Organisations int
	Staff         int
	ParentCarers  int
	Children      int
	EHCPlans      int
	SENSupport    int
}

// Persona is a demo person a tester can be (sign-in arrives with access control).
type Persona struct {
	Role  string // what they do, e.g. "EHCP coordinator"
	Name  string
	Email string
}

// ErrNotEmpty is returned when the database already holds a partnership.
var ErrNotEmpty = errors.New("the database already holds a partnership; load the demo into an empty database")

// Generate loads a demo partnership into d in one transaction: all of it or none.
func Generate(ctx context.Context, d *db.DB, o Options) (Summary, error) {
	return Summary{}, errors.New("demo: not written yet")
}

// Personas are the demo people printed when the demo is served.
func Personas() []Persona { return nil }
