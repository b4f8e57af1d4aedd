package waitlist_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/loadgen"
	"joinedup/internal/waitlist"
)

// BenchmarkMillionPathways measures 1,000,000 pathways at a census on every core.
// Target (issue 7): under 1 s on 2 cores. The pathways are made in memory first
// and not timed. Besides the wall time it reports the CPU time used (cpu-s/op):
// on a shared machine the wall time also counts waiting for cores others hold.
func BenchmarkMillionPathways(b *testing.B) {
	census := date.Of(2026, 11, 22)
	ps := pathways(1_000_000, census)
	events := 0
	for i := range ps {
		events += len(ps[i].Events)
	}
	b.Logf("%d pathways, %d events (%.1f each)", len(ps), events, float64(events)/float64(len(ps)))
	out := make([]waitlist.Wait, len(ps))
	runtime.GC()
	var over104 atomic.Int64
	cpu := loadgen.CPUTime()
	for b.Loop() {
		over104.Store(0)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				n := 0
				for {
					i := int(next.Add(4096)) - 4096
					if i >= len(ps) {
						break
					}
					for j := i; j < min(i+4096, len(ps)); j++ {
						w, err := waitlist.Measure(&ps[j], census)
						if err != nil {
							b.Error(err)
							return
						}
						out[j] = w
						if len(w.Breaches) == 4 {
							n++
						}
					}
				}
				over104.Add(int64(n))
			})
		}
		wg.Wait()
	}
	b.ReportMetric((loadgen.CPUTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ps)), "ns/pathway")
	b.ReportMetric(float64(over104.Load()), "over104/op")
}

// BenchmarkProjection projects a 3,000-child list three years ahead, week by week.
// Target (issue 7): under 200 ms.
func BenchmarkProjection(b *testing.B) {
	census := date.Of(2026, 11, 22)
	r := rand.New(rand.NewPCG(2026, 7))
	waits := make([]int, 3000)
	for i := range waits { // a long tail: most under a year, some past two
		waits[i] = int(900 * math.Pow(r.Float64(), 1.6))
	}
	plan := waitlist.Plan{Start: census, ReferralsPerWeek: 38.5, CapacityPerWeek: 36, Purchased: 900, PurchasedWeeks: 156}
	for b.Loop() {
		if _, err := waitlist.Project(waits, plan); err != nil {
			b.Fatal(err)
		}
	}
}

// pathways makes n pathways as of census, the same every time: a referral within
// the last three years (neurodevelopmental ones waiting longest), and then, as in
// life, some first-appointment DNAs (rebooked or not), attended appointments,
// commissioned transfers, Right to Choose referrals and clock stops.
func pathways(n int, census date.Date) []waitlist.Pathway {
	r := rand.New(rand.NewPCG(2026, 11))
	slab := make([]waitlist.Event, 0, n*4)
	ps := make([]waitlist.Pathway, n)
	providers := []string{"Independent Assessments Ltd", "Choice Neuro CIC", "Northfield Therapies"}
	for i := range ps {
		p := &ps[i]
		p.ID = fmt.Sprintf("P%07d", i)
		p.Regime = waitlist.CHS
		if r.IntN(3) == 0 {
			p.Regime = waitlist.RTT
		}
		start := len(slab)
		ref := census.AddDays(-int(1100 * math.Pow(r.Float64(), 1.5)))
		slab = append(slab, waitlist.Event{Kind: waitlist.ReferralReceived, Date: ref})
		day := ref
		later := func(lo, hi int) date.Date { day = day.AddDays(lo + r.IntN(hi-lo+1)); return day }
		if r.IntN(10) == 0 {
			e := waitlist.Event{Kind: waitlist.FirstAppointmentDNA, Date: later(20, 120)}
			if r.IntN(4) > 0 {
				e.Rebooked = later(1, 14)
			}
			slab = append(slab, e)
		}
		if r.IntN(2) == 0 {
			slab = append(slab, waitlist.Event{Kind: waitlist.AppointmentAttended, Date: later(20, 150)})
		}
		switch k := r.IntN(20); {
		case k < 2:
			slab = append(slab, waitlist.Event{Kind: waitlist.Transfer, Date: later(30, 300), Transfer: waitlist.Commissioned, Provider: providers[0]})
		case k < 3:
			slab = append(slab, waitlist.Event{Kind: waitlist.Transfer, Date: later(30, 300), Transfer: waitlist.NewReferral, Provider: providers[1+r.IntN(2)]})
		}
		if r.IntN(3) == 0 {
			slab = append(slab, waitlist.Event{Kind: waitlist.ClockStop, Date: later(10, 400), Reason: waitlist.Reason(1 + r.IntN(6))})
		}
		p.Events = slab[start:len(slab):len(slab)]
		if len(slab)+8 > cap(slab) {
			slab = make([]waitlist.Event, 0, n*4)
		}
	}
	return ps
}

// The benchmark's pathways are valid and reach every status and breach.
func TestBenchmarkPathwaysReachEveryStatus(t *testing.T) {
	census := date.Of(2026, 11, 22)
	ws, err := waitlist.MeasureAll(pathways(20_000, census), census)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, w := range ws {
		seen[string(w.Status)]++
		seen[fmt.Sprint(len(w.Breaches))]++
	}
	for _, k := range []string{"waiting", "stopped", "nullified", "0", "1", "2", "3", "4"} {
		if seen[k] == 0 {
			t.Errorf("none %s: %v", k, seen)
		}
	}
	t.Logf("%v", seen)
}
