package waitlist

import (
	"encoding/json"
	"fmt"

	"joinedup/internal/date"
)

// Status is where a pathway's clock stands at the census date.
type Status string

const (
	Waiting   Status = "waiting"   // the clock runs
	Stopped   Status = "stopped"   // the clock stopped (treatment, assessment, discharge...)
	Nullified Status = "nullified" // RTT: nullified by a first-appointment DNA, and no new clock runs yet
)

// The breach thresholds: over n weeks is more than 7n days.
var (
	thresholds   = [...]int{126, 252, 364, 728}
	breachLabels = []string{"18", "36", "52", "104"}
)

// Wait is how long one pathway's child has waited at the census date.
type Wait struct {
	ID     string
	Status Status
	// ClockStart is the day the current clock started; zero when nullified.
	ClockStart date.Date
	// DaysWaited counts from ClockStart (day 0) to the census or the stop, whichever is earlier.
	DaysWaited int
	// WeeksBand is ceil(DaysWaited/7), at least 1; 0 only when there is no clock.
	WeeksBand int
	// Breaches is the breach thresholds passed ("18", "36", "52", "104"), shared: do not change it.
	Breaches []string
	// TotalWaitDays counts from the first referral to the same end (the nullification, if nullified),
	// across Right to Choose referrals and nullified clocks.
	TotalWaitDays int
	// Stop and StopReason say when and why the clock stopped (or, when nullified,
	// the pathway was closed without a clock); zero if it did not.
	Stop       date.Date
	StopReason Reason
	// Provider is the provider of the last transfer on or before the census, if any.
	Provider string
}

// MarshalJSON writes the fields `joinedup waits` prints, clock_start null when there is no clock.
func (w Wait) MarshalJSON() ([]byte, error) {
	var start *string
	if !w.ClockStart.IsZero() {
		s := w.ClockStart.String()
		start = &s
	}
	breaches := w.Breaches
	if breaches == nil {
		breaches = []string{}
	}
	return json.Marshal(struct {
		ID            string   `json:"id"`
		Status        Status   `json:"status"`
		ClockStart    *string  `json:"clock_start"`
		DaysWaited    int      `json:"days_waited"`
		WeeksBand     int      `json:"weeks_band"`
		Breaches      []string `json:"breaches"`
		TotalWaitDays int      `json:"total_wait_days"`
	}{w.ID, w.Status, start, w.DaysWaited, w.WeeksBand, breaches, w.TotalWaitDays})
}

// WeeksBand is the NHS community health services band of a wait: ">n-1 to n
// weeks", ceil(days/7), and at least 1 (a child referred today is in band 1).
func WeeksBand(days int) int {
	if days <= 7 {
		return 1
	}
	return (days + 6) / 7
}

// Breaches returns the thresholds a wait of this many days is over: "18" when
// more than 126 days, "36" more than 252, "52" more than 364, "104" more than 728.
func Breaches(days int) []string {
	n := 0
	for n < len(thresholds) && days > thresholds[n] {
		n++
	}
	return breachLabels[:n:n]
}

// MeasureAll measures every pathway at the census date. An invalid pathway is
// refused with an error naming it (pathways[i], its id), the event and the field.
func MeasureAll(ps []Pathway, census date.Date) ([]Wait, error) {
	out := make([]Wait, len(ps))
	for i := range ps {
		if err := measure(&ps[i], census, &out[i]); err != nil {
			return nil, pathwayError(i, ps[i].ID, err.event, err.field, err.msg)
		}
	}
	return out, nil
}

// Measure measures one pathway at the census date, or says what is wrong with it.
// The events may come in any order and are not changed.
func Measure(p *Pathway, census date.Date) (Wait, error) {
	var w Wait
	if err := measure(p, census, &w); err != nil {
		return Wait{}, pathwayError(-1, p.ID, err.event, err.field, err.msg)
	}
	return w, nil
}

type problem struct {
	event      int // -1: the pathway itself
	field, msg string
}

// Same-day events happen in this order: a referral or transfer before the
// appointment, a rebooking after the DNA it follows, a stop last.
const (
	atReferral = iota
	atTransfer
	atDNA
	atRebook
	atAttended
	atStop
)

var order = [numKinds]uint8{ReferralReceived: atReferral, Transfer: atTransfer, FirstAppointmentDNA: atDNA, AppointmentAttended: atAttended, ClockStop: atStop}

type step struct {
	day   date.Date
	order uint8
	tie   uint8 // the stop reason, so same-day stops give the same answer in any order
	event int32
}

func (a *step) before(b *step) bool {
	if c := a.day.Compare(b.day); c != 0 {
		return c < 0
	}
	if a.order != b.order {
		return a.order < b.order
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.event < b.event
}

type clockState uint8

const (
	running clockState = iota
	stopped
	nullified
)

// state is a pathway's clock as the steps are played.
type state struct {
	first     date.Date // the first referral
	start     date.Date // the running clock's start
	state     clockState
	firstOpen bool      // the clock began with a referral and its first appointment is still to come
	awaiting  int       // the DNA whose rebooking restarts the clock; -1 none
	nulled    date.Date // the day the clock was nullified
	end       date.Date // the day the clock stopped, or a nullified pathway was closed
	reason    Reason
	provider  string
}

func measure(p *Pathway, census date.Date, w *Wait) *problem {
	if p.Regime == 0 || p.Regime >= numRegimes {
		return &problem{-1, "regime", "missing"}
	}
	if census.IsZero() {
		return &problem{-1, "census", "missing"}
	}
	referral := -1
	for i := range p.Events {
		e := &p.Events[i]
		if f, msg := e.check(); msg != "" {
			return &problem{i, f, msg}
		}
		if e.Kind == ReferralReceived {
			if referral >= 0 {
				return &problem{i, "type", fmt.Sprintf("a second referral_received (the first is events[%d]): a Right to Choose referral is a transfer of kind new_referral", referral)}
			}
			referral = i
		}
	}
	if referral < 0 {
		return &problem{-1, "events", "no referral_received: the clock starts when the referral is received"}
	}
	first := p.Events[referral].Date
	if first.After(census) {
		return &problem{referral, "date", fmt.Sprintf("%s is after the census date %s: the child was not yet waiting", first, census)}
	}
	var buf [16]step
	steps := buf[:0]
	for i := range p.Events {
		e := &p.Events[i]
		if e.Date.Before(first) {
			return &problem{i, "date", fmt.Sprintf("%s is before the referral was received (%s)", e.Date, first)}
		}
		steps = append(steps, step{day: e.Date, order: order[e.Kind], tie: uint8(e.Reason), event: int32(i)})
		if e.Kind == FirstAppointmentDNA && !e.Rebooked.IsZero() {
			steps = append(steps, step{day: e.Rebooked, order: atRebook, event: int32(i)})
		}
	}
	for i := 1; i < len(steps); i++ { // insertion sort: few steps, often in order already
		for j := i; j > 0 && steps[j].before(&steps[j-1]); j-- {
			steps[j], steps[j-1] = steps[j-1], steps[j]
		}
	}
	s := state{awaiting: -1}
	var atCensus state
	seen := false
	for i := range steps {
		st := &steps[i]
		if !seen && st.day.After(census) {
			atCensus, seen = s, true // later steps are only checked for sense
		}
		if pr := s.play(p, st); pr != nil {
			return pr
		}
	}
	if !seen {
		atCensus = s
	}
	atCensus.result(p, census, w)
	return nil
}

// play applies one step to the clock.
func (s *state) play(p *Pathway, st *step) *problem {
	e := &p.Events[st.event]
	switch {
	case st.order == atRebook:
		if s.state == nullified && s.awaiting == int(st.event) {
			s.state, s.start, s.awaiting = running, st.day, -1
		}
	case e.Kind == ReferralReceived:
		s.first, s.start, s.state, s.firstOpen = e.Date, e.Date, running, true
	case e.Kind == Transfer:
		s.provider = e.Provider
		if e.Transfer == NewReferral { // Right to Choose: the old pathway closes and a new clock starts
			s.start, s.state, s.firstOpen, s.awaiting = e.Date, running, true, -1
			s.end, s.reason, s.nulled = date.Date{}, 0, date.Date{}
		}
	case e.Kind == FirstAppointmentDNA:
		if p.Regime == RTT && s.state == running && s.firstOpen {
			s.state, s.nulled = nullified, e.Date
			if !e.Rebooked.IsZero() {
				s.awaiting = int(st.event)
			}
		}
		s.firstOpen = false
	case e.Kind == AppointmentAttended:
		s.firstOpen = false
	case e.Kind == ClockStop:
		switch {
		case s.state == running:
			s.state, s.end, s.reason = stopped, e.Date, e.Reason
		case s.state == nullified && s.awaiting >= 0:
			return &problem{int(st.event), "date", fmt.Sprintf("the clock was nullified on %s and starts again on %s (events[%d].rebooked): a clock_stop between them has no clock to stop", s.nulled, p.Events[s.awaiting].Rebooked, s.awaiting)}
		case s.state == nullified && s.end.IsZero():
			s.end, s.reason = e.Date, e.Reason // closed without a clock; the status stays nullified
		}
	}
	return nil
}

// result fills w from the clock as it stood at the census.
func (s *state) result(p *Pathway, census date.Date, w *Wait) {
	*w = Wait{ID: p.ID, Provider: s.provider}
	end := census
	switch s.state {
	case running:
		w.Status, w.ClockStart = Waiting, s.start
	case stopped:
		w.Status, w.ClockStart, w.Stop, w.StopReason = Stopped, s.start, s.end, s.reason
		end = s.end
	case nullified:
		w.Status, w.Stop, w.StopReason = Nullified, s.end, s.reason
		end = s.nulled
	}
	w.TotalWaitDays = end.DaysSince(s.first)
	if s.state != nullified {
		w.DaysWaited = end.DaysSince(s.start)
		w.WeeksBand = WeeksBand(w.DaysWaited)
		w.Breaches = Breaches(w.DaysWaited)
	}
}
