package fhir

import (
	"testing"
	"time"
)

// BenchmarkValidateAdviceBundle is one advice bundle with a small PDF (the
// fixture: a Patient, the QuestionnaireResponse with four statements, one
// DocumentReference), read and checked after the schema is compiled: the
// schema, resource by resource, then our rules. Target (issue 5): under 5 ms.
func BenchmarkValidateAdviceBundle(b *testing.B) {
	if err := Compile(); err != nil {
		b.Fatal(err)
	}
	doc, err := AdviceBundle(alex, alexAdvice, "Dr Ada Invented", time.Date(2026, 11, 10, 15, 30, 0, 0, time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAdvice(doc, alex); err != nil {
			b.Fatal(err)
		}
	}
}
