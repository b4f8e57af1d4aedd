package waitlist_test

import (
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/waitlist"
)

func d(t testing.TB, s string) date.Date {
	t.Helper()
	if s == "" {
		return date.Date{}
	}
	v, err := date.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The events of a pathway, briefly: each takes the testing.TB to parse its dates.
type evf func(testing.TB) waitlist.Event

func referral(day string) evf {
	return func(t testing.TB) waitlist.Event {
		return waitlist.Event{Kind: waitlist.ReferralReceived, Date: d(t, day)}
	}
}
func dna(day, rebooked string) evf {
	return func(t testing.TB) waitlist.Event {
		return waitlist.Event{Kind: waitlist.FirstAppointmentDNA, Date: d(t, day), Rebooked: d(t, rebooked)}
	}
}
func attended(day string) evf {
	return func(t testing.TB) waitlist.Event {
		return waitlist.Event{Kind: waitlist.AppointmentAttended, Date: d(t, day)}
	}
}
func stop(day string, r waitlist.Reason) evf {
	return func(t testing.TB) waitlist.Event {
		return waitlist.Event{Kind: waitlist.ClockStop, Date: d(t, day), Reason: r}
	}
}
func transfer(day string, k waitlist.TransferKind, provider string) evf {
	return func(t testing.TB) waitlist.Event {
		return waitlist.Event{Kind: waitlist.Transfer, Date: d(t, day), Transfer: k, Provider: provider}
	}
}

func pathway(t testing.TB, regime waitlist.Regime, evs ...evf) waitlist.Pathway {
	p := waitlist.Pathway{ID: "P1", Regime: regime}
	for _, f := range evs {
		p.Events = append(p.Events, f(t))
	}
	return p
}
