package appeal

import (
	"testing"
	"time"

	"joinedup/internal/date"
)

func d(s string) date.Date {
	v, err := date.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// R24, Tribunal Procedure Rules r20(1)(c): two months from the decision
// notice, or one month from the mediation certificate if that is later, by
// the corresponding date, clamped to the month's end.
func TestAppealBy(t *testing.T) {
	cases := []struct {
		name                 string
		notice, cert, wanted string
	}{
		{"two months, corresponding date", "2026-03-10", "", "2026-05-10"},
		{"31 December: February has no 31st, so its last day", "2025-12-31", "", "2026-02-28"},
		{"31 December before a leap year: 29 February", "2027-12-31", "", "2028-02-29"},
		{"30 June: 30 August exists", "2026-06-30", "", "2026-08-30"},
		{"certificate early: two months from the notice is later", "2026-03-10", "2026-03-20", "2026-05-10"},
		{"certificate late: one month from it is later", "2026-03-10", "2026-04-25", "2026-05-25"},
		{"certificate on 31 January: the end of February", "2026-01-02", "2026-01-31", "2026-03-02"},
		{"certificate on 31 March: 30 April", "2026-01-15", "2026-03-31", "2026-04-30"},
		{"both give the same day", "2026-01-10", "2026-02-10", "2026-03-10"},
	}
	for _, c := range cases {
		var cert date.Date
		if c.cert != "" {
			cert = d(c.cert)
		}
		got := AppealBy(d(c.notice), cert)
		if got.Due != d(c.wanted) || got.Rule != "R24" || got.Basis == "" {
			t.Errorf("%s: notice %s, certificate %q: %+v, want %s", c.name, c.notice, c.cert, got, c.wanted)
		}
	}
}

// R22: the mediation certificate within 3 working days; weekends and England
// and Wales bank holidays are not working days.
func TestCertificateBy(t *testing.T) {
	cases := []struct{ name, told, wanted string }{
		{"Monday: Thursday", "2026-11-16", "2026-11-19"},
		{"Thursday: over the weekend to Tuesday", "2026-11-19", "2026-11-24"},
		{"Saturday: the weekend does not count", "2026-11-21", "2026-11-25"},
		{"before Easter 2026: Good Friday 3 and Easter Monday 6 April skipped", "2026-04-01", "2026-04-08"},
		{"Christmas 2026: 25 and 28 December are bank holidays", "2026-12-23", "2026-12-30"},
		{"the late May bank holiday 2026 (25 May)", "2026-05-22", "2026-05-28"},
		{"the Queen's funeral, 19 September 2022", "2022-09-16", "2022-09-22"},
	}
	for _, c := range cases {
		got, err := CertificateBy(d(c.told))
		if err != nil || got.Due != d(c.wanted) || got.Rule != "R22" {
			t.Errorf("%s: told %s: %+v %v, want %s", c.name, c.told, got, err, c.wanted)
		}
	}
	if _, err := CertificateBy(d("2031-05-01")); err == nil {
		t.Error("a year with no holiday list: a date was guessed, want an error")
	}
}

// CPR 6.26 for documents other than a claim form.
func TestDeemedReceived(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, London)
		if err != nil {
			panic(err)
		}
		return v
	}
	cases := []struct{ name, method, sent, wanted string }{
		{"post on Monday: Wednesday", Post, "2026-11-16 17:00", "2026-11-18"},
		{"post on Thursday: Saturday is no business day, so Monday", Post, "2026-11-19 09:00", "2026-11-23"},
		{"post on Friday: Sunday, so Monday", Post, "2026-11-20 09:00", "2026-11-23"},
		{"post on Wednesday 23 December 2026: the 25th is a holiday, next is the 29th", Post, "2026-12-23 10:00", "2026-12-29"},
		{"email before 4.30pm on a working day: that day", Email, "2026-11-16 16:29", "2026-11-16"},
		{"email at 4.30pm: the next business day", Email, "2026-11-16 16:30", "2026-11-17"},
		{"email on Saturday: Monday", Email, "2026-11-21 10:00", "2026-11-23"},
		{"email on Friday evening: Monday", Email, "2026-11-20 18:00", "2026-11-23"},
		{"email on Good Friday 2026: Tuesday 7 April", Email, "2026-04-03 10:00", "2026-04-07"},
		{"4.30pm is London time in summer (BST)", Email, "2026-07-01 16:15", "2026-07-01"},
		{"portal: an electronic method, as email", Portal, "2026-11-16 17:00", "2026-11-17"},
		{"by hand before 4.30pm: that day", Hand, "2026-11-16 11:00", "2026-11-16"},
		{"by hand on Sunday: Monday", Hand, "2026-11-22 11:00", "2026-11-23"},
	}
	for _, c := range cases {
		got, err := DeemedReceived(c.method, at(c.sent))
		if err != nil || got != d(c.wanted) {
			t.Errorf("%s: %s at %s: %s %v, want %s", c.name, c.method, c.sent, got, err, c.wanted)
		}
	}
	// 16:15 in BST is 15:15 UTC: the rule must be read in London, not UTC.
	if got, _ := DeemedReceived(Email, time.Date(2026, 7, 1, 15, 45, 0, 0, time.UTC)); got != d("2026-07-02") {
		t.Errorf("15:45 UTC in July is 16:45 in London: %s, want the next day", got)
	}
	if _, err := DeemedReceived("pigeon", at("2026-11-16 10:00")); err == nil {
		t.Error("an unknown method was accepted")
	}
}

// R25-R27: what an order requires, by when.
func TestCompliance(t *testing.T) {
	cases := []struct {
		kind   string
		rules  []string
		wanted []string
	}{
		{"assess", []string{"R25"}, []string{"2026-03-16"}},
		{"issue_plan", []string{"R27", "R27"}, []string{"2026-04-06", "2026-05-18"}},
		{"amend_contents", []string{"R27"}, []string{"2026-04-06"}},
		{"amend_placement", []string{"R27"}, []string{"2026-03-16"}},
		{"reassess_no_plan", []string{"R26", "R26"}, []string{"2026-05-11", "2026-06-08"}},
		{"dismissed", nil, nil},
	}
	for _, c := range cases {
		got, err := Compliance(c.kind, d("2026-03-02"))
		if err != nil || len(got) != len(c.wanted) {
			t.Errorf("%s: %+v %v", c.kind, got, err)
			continue
		}
		for i := range got {
			if got[i].Rule != c.rules[i] || got[i].Due != d(c.wanted[i]) || got[i].Basis == "" {
				t.Errorf("%s step %d: %+v, want %s by %s", c.kind, i, got[i], c.rules[i], c.wanted[i])
			}
		}
	}
	if _, err := Compliance("pay_damages", d("2026-03-02")); err == nil {
		t.Error("an unknown order was accepted")
	}
}

// Every bank holiday listed is a weekday, and each year has at least eight.
func TestHolidayList(t *testing.T) {
	perYear := map[int]int{}
	for h := range holidays {
		if wd := h.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("%s is a %s: bank holidays fall on weekdays (substitute days are listed instead)", h, wd)
		}
		perYear[h.Year()]++
	}
	for y := firstYear; y <= lastYear; y++ {
		if perYear[y] < 8 {
			t.Errorf("%d: %d bank holidays, want at least 8", y, perYear[y])
		}
	}
}
