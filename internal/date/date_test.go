package date

import (
	"testing"
	"time"
)

func TestParseRejectsAnythingButISODates(t *testing.T) {
	for _, s := range []string{"", "2024-2-1", "01/02/2024", "2023-02-29", "2024-13-01", "2024-01-01T00:00:00Z"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	d, err := Parse("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Fatalf("Parse(2024-02-29) = %v, %v", d, err)
	}
}

func TestYearsOn(t *testing.T) {
	cases := []struct {
		born, on string
		want     int
	}{
		{"2010-06-15", "2026-06-14", 15}, // the day before the 16th birthday
		{"2010-06-15", "2026-06-15", 16}, // on the birthday
		{"2008-02-29", "2024-02-28", 15}, // leap-day birthday, leap year, day before
		{"2008-02-29", "2025-02-28", 16}, // common year: the birthday is not reached on 28 February
		{"2008-02-29", "2025-03-01", 17}, // ...it is reached on 1 March
	}
	for _, c := range cases {
		b, _ := Parse(c.born)
		o, _ := Parse(c.on)
		if got := b.YearsOn(o); got != c.want {
			t.Errorf("%s on %s: %d years, want %d", c.born, c.on, got, c.want)
		}
	}
}

func TestScanAcceptsBothDatabases(t *testing.T) {
	var d Date
	for _, src := range []any{"2025-03-01", "2025-03-01 00:00:00+00:00", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), []byte("2025-03-01")} {
		if err := d.Scan(src); err != nil || d.String() != "2025-03-01" {
			t.Errorf("Scan(%v) = %v, %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
	if err := d.Scan(42); err == nil {
		t.Error("Scan(42) accepted")
	}
}
