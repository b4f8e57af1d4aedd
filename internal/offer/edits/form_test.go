package edits

import (
	"slices"
	"testing"

	"joinedup/internal/apperr"
	"joinedup/internal/offer"
)

// A service with one place, as Store.Service returns it.
func sample() offer.Service {
	five, eleven := 5, 11
	return offer.Service{ID: "3c0bb638-1a58-4994-aa85-bd57b1edb282", Name: "Sensory play", Description: "Play sessions.", Status: offer.Active,
		MinimumAge: &five, MaximumAge: &eleven, Fees: "Free",
		Contacts:  []offer.Contact{{ID: "c1", Phones: []offer.Phone{{ID: "p1", Number: "01632 960001"}}}},
		Schedules: []offer.Schedule{{ID: "s1", Description: "Saturdays, 10am to noon."}},
		ServiceAtLocations: []offer.ServiceAtLocation{{ID: "l1", Location: &offer.Location{ID: "loc", LocationType: offer.Physical,
			Addresses: []offer.Address{{ID: "a1", Address1: "1 Mill Lane", City: "Bromsgrove", PostalCode: "B60 1AA"}}}}}}
}

// Each wrong answer is refused naming its field; the rest are accepted.
// Ages: the SEND system covers 0 to 25 (Children and Families Act 2014,
// s.83; SEND Code of Practice 2015, 1.1). Postcodes: the shape of a UK
// postcode (outward code, a space, inward code). Phones: UK numbers as
// Ofcom's national numbering plan writes them (0 and 9 or 10 more, or +44).
func TestFormApply(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Form)
		field string // "" when the form is accepted
	}{
		{"unchanged is valid (Store refuses it as no change)", func(f *Form) {}, ""},
		{"name blank after trimming", func(f *Form) { f.Name = "   " }, "name"},
		{"description required", func(f *Form) { f.Description = "" }, "description"},
		{"name over 200 characters", func(f *Form) { f.Name = string(make([]rune, 201)) }, "name"},
		{"age 25 is the top of the SEND range", func(f *Form) { f.MaximumAge = "25" }, ""},
		{"age 26 is outside it", func(f *Form) { f.MaximumAge = "26" }, "maximum_age"},
		{"age in words", func(f *Form) { f.MinimumAge = "five" }, "minimum_age"},
		{"negative age", func(f *Form) { f.MinimumAge = "-1" }, "minimum_age"},
		{"youngest above oldest", func(f *Form) { f.MinimumAge, f.MaximumAge = "12", "11" }, "maximum_age"},
		{"no ages at all", func(f *Form) { f.MinimumAge, f.MaximumAge = "", "" }, ""},
		{"website without a scheme", func(f *Form) { f.Website = "www.example.org.uk" }, "website"},
		{"javascript: website", func(f *Form) { f.Website = "javascript:alert(1)" }, "website"},
		{"https website", func(f *Form) { f.Website = "https://www.example.org.uk/apply" }, ""},
		{"email without a domain", func(f *Form) { f.Email = "name@" }, "email"},
		{"email with a display name", func(f *Form) { f.Email = "Ann <ann@example.org.uk>" }, "email"},
		{"plain email", func(f *Form) { f.Email = "ann@example.org.uk" }, ""},
		{"landline with spaces", func(f *Form) { f.Phone = "01632 960 002" }, ""},
		{"international form", func(f *Form) { f.Phone = "+44 1632 960002" }, ""},
		{"too few digits", func(f *Form) { f.Phone = "01632 96" }, "phone"},
		{"letters in a phone number", func(f *Form) { f.Phone = "call us" }, "phone"},
		{"postcode in lower case without a space", func(f *Form) { f.PostalCode = "b601aa" }, ""},
		{"half a postcode", func(f *Form) { f.PostalCode = "B60" }, "postal_code"},
		{"address line required where there is a place", func(f *Form) { f.Address1 = "" }, "address_1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := FormOf(sample())
			c.edit(&f)
			out, err := f.Apply(sample())
			var fields []string
			if e, ok := err.(*apperr.Error); ok {
				for _, fe := range e.Fields {
					fields = append(fields, fe.Name)
				}
			}
			switch {
			case c.field == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.field != "" && !slices.Equal(fields, []string{c.field}):
				t.Errorf("refused naming %v (%v), want only %s", fields, err, c.field)
			case c.field != "" && out.Name != sample().Name:
				t.Error("a refused form changed the service it returned")
			}
		})
	}
}

// Applying a form changes the nested rows it covers, not the service it was given.
func TestFormApplyChangesACopy(t *testing.T) {
	s := sample()
	f := FormOf(s)
	f.Phone, f.Times, f.PostalCode, f.City = "01632 960999", "Sundays, 2pm to 4pm.", "b61 2bb", "Catshill"
	out, err := f.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	if s.Contacts[0].Phones[0].Number != "01632 960001" || s.ServiceAtLocations[0].Location.Addresses[0].City != "Bromsgrove" {
		t.Error("Apply changed the live service it was given")
	}
	got := FormOf(out)
	if got.Phone != "01632 960999" || got.Times != "Sundays, 2pm to 4pm." || got.PostalCode != "B61 2BB" || got.City != "Catshill" {
		t.Errorf("after Apply the form reads %+v", got)
	}
	want := []string{"phone", "times", "city", "postal_code"}
	var changed []string
	for _, c := range Diff(s, out) {
		changed = append(changed, c.Field)
	}
	if !slices.Equal(changed, want) {
		t.Errorf("Diff names %v, want %v", changed, want)
	}
}
