package ehc_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/ehc"
	"joinedup/internal/loadgen"
)

// BenchmarkNationalHistories computes every deadline of 700,000 plans' full
// histories (the national demo's size) on every core. Target (issue 4): under 5 s
// on 2 cores. The histories are made in memory first and not timed. Besides the
// wall time it reports the CPU time used (cpu-s/op): on a shared machine the wall
// time also counts waiting for cores that others hold.
func BenchmarkNationalHistories(b *testing.B) {
	today := date.Of(2026, 11, 22)
	plans := nationalHistories(700_000, today)
	events := 0
	for _, h := range plans {
		events += len(h)
	}
	b.Logf("%d histories, %d events (%.1f each)", len(plans), events, float64(events)/float64(len(plans)))
	runtime.GC() // collect the setup's garbage now, not in the timed loop
	var deadlines atomic.Int64
	cpu := loadgen.CPUTime()
	for b.Loop() {
		deadlines.Store(0)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				var ds []ehc.Deadline // one buffer per worker, as a caseload page would keep
				n := 0
				for {
					i := int(next.Add(1000)) - 1000
					if i >= len(plans) {
						break
					}
					for _, h := range plans[i:min(i+1000, len(plans))] {
						var err error
						if ds, err = ehc.Current.AppendDeadlines(ds[:0], h, today); err != nil {
							b.Error(err)
							return
						}
						n += len(ds)
					}
				}
				deadlines.Add(int64(n))
			})
		}
		wg.Wait()
	}
	b.ReportMetric((loadgen.CPUTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(plans)), "ns/history")
	b.ReportMetric(float64(deadlines.Load()), "deadlines/op")
}

// nationalHistories makes n plans' histories as of today, the same every time:
// a request (now and then an earlier refused one), the decision to assess, advice
// from three or four bodies, a draft and a final plan, then a review a year for
// as long as the plan has lived, with amendments, some exceptions and transfers.
// Some are late, as in life. Events after today are not yet known, except transfers.
func nationalHistories(n int, today date.Date) [][]ehc.Event {
	r := rand.New(rand.NewPCG(2026, 4))
	var slab []ehc.Event
	plans := make([][]ehc.Event, n)
	for i := range plans {
		if cap(slab)-len(slab) < 200 {
			slab = make([]ehc.Event, 0, 1<<20)
		}
		start := len(slab)
		slab = history(slab, r, today)
		plans[i] = slab[start:len(slab):len(slab)]
	}
	return plans
}

var (
	sources = []string{"parent", "parent", "parent", "setting", "setting", "health", "social_care", "young_person", "other"}
	bodies  = []string{"educational_psychology", "health", "social_care", "setting"}
)

func history(es []ehc.Event, r *rand.Rand, today date.Date) []ehc.Event {
	add := func(e ehc.Event) {
		if !e.Date.After(today) || e.Type == ehc.PhaseTransfer {
			es = append(es, e)
		}
	}
	between := func(d date.Date, lo, hi int) date.Date { return d.AddDays(lo + r.IntN(hi-lo+1)) }
	// Plans are young more often than old: the number of plans has doubled in ten years.
	req := today.AddDays(-100 - int(11*365*math.Pow(r.Float64(), 1.7)))
	if r.IntN(10) == 0 {
		old := between(req, -500, -300)
		add(ehc.Event{Type: ehc.RequestReceived, Date: old, Code: sources[r.IntN(len(sources))]})
		add(ehc.Event{Type: ehc.AssessmentDecision, Date: between(old, 28, 50), Code: "refuse"})
	}
	if r.IntN(20) == 0 {
		add(ehc.Event{Type: ehc.LAResponsible, Date: req})
	} else {
		add(ehc.Event{Type: ehc.RequestReceived, Date: req, Code: sources[r.IntN(len(sources))]})
	}
	decided := between(req, 25, 55)
	add(ehc.Event{Type: ehc.AssessmentDecision, Date: decided, Code: "assess"})
	asked := bodies[:3+r.IntN(2)]
	for _, body := range asked {
		e := ehc.Event{Type: ehc.AdviceRequested, Date: between(decided, 0, 6), Contributor: body}
		from := e.Date
		if r.IntN(5) < 2 {
			e.Received = between(e.Date, 1, 4)
			from = e.Received
		}
		add(e)
		if r.IntN(10) > 0 {
			add(ehc.Event{Type: ehc.AdviceReceived, Date: between(from, 20, 60), Contributor: body})
		}
	}
	if r.IntN(10) == 0 {
		e := ehc.Event{Type: ehc.Exception, Date: between(req, 10, 100), Code: reasons[r.IntN(len(reasons))]}
		if r.IntN(5) > 0 {
			e.To = between(e.Date, 0, 60)
		}
		if e.Code == ehc.MissedAppointment {
			e.Contributor = asked[r.IntN(len(asked))]
		}
		add(e)
	}
	drafted := between(decided, 40, 95)
	add(ehc.Event{Type: ehc.DraftPlanIssued, Date: drafted})
	made := between(drafted, 12, 40)
	add(ehc.Event{Type: ehc.FinalPlanIssued, Date: made})
	last := made
	for {
		met := between(last, 300, 380)
		if met.After(today) {
			break
		}
		add(ehc.Event{Type: ehc.ReviewMeeting, Date: met})
		if r.IntN(10) > 0 {
			add(ehc.Event{Type: ehc.ReviewReportSent, Date: between(met, 5, 25)})
		}
		last = between(met, 10, 50)
		outcome := []string{ehc.Maintain, ehc.Maintain, "amend"}[r.IntN(3)]
		if r.IntN(20) == 0 {
			outcome = ehc.Cease
		}
		add(ehc.Event{Type: ehc.ReviewDecision, Date: last, Code: outcome})
		if outcome == "amend" {
			notice := between(last, 0, 14)
			add(ehc.Event{Type: ehc.AmendmentNotice, Date: notice})
			if r.IntN(7) > 0 {
				add(ehc.Event{Type: ehc.AmendedPlanIssued, Date: between(notice, 15, 90)})
			}
		}
		if outcome == ehc.Cease {
			break
		}
	}
	if r.IntN(10) < 3 {
		y := made.Year() + 1 + r.IntN(max(1, today.Year()-made.Year()+1))
		switch k := r.IntN(20); {
		case k < 13:
			add(ehc.Event{Type: ehc.PhaseTransfer, Date: date.Of(y, 9, 1+r.IntN(7)), Code: "school"})
		case k < 18:
			add(ehc.Event{Type: ehc.PhaseTransfer, Date: date.Of(y, 9, 1+r.IntN(7)), Code: "post16"})
		default:
			add(ehc.Event{Type: ehc.PhaseTransfer, Date: between(date.Of(y, 1, 1), 0, 364), Code: "post16_other"})
		}
	}
	return es
}

var reasons = []string{"setting_closure", "personal_circumstances", "absent_from_area", ehc.MissedAppointment}

// The benchmark's histories are valid and reach every status.
func TestNationalHistoriesReachEveryStatus(t *testing.T) {
	today := date.Of(2026, 11, 22)
	seen := map[ehc.Status]int{}
	for _, h := range nationalHistories(5000, today) {
		ds, err := ehc.Deadlines(h, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			seen[d.Status]++
		}
	}
	for _, s := range []ehc.Status{ehc.Met, ehc.Missed, ehc.Excused, ehc.Overdue, ehc.Pending, ehc.Breached} {
		if seen[s] == 0 {
			t.Errorf("no deadline is %s: %v", s, seen)
		}
	}
	t.Logf("%v", seen)
}
