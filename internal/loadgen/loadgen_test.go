package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileIsNearestRank(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	cases := []struct {
		in   []time.Duration
		p    int
		want time.Duration
	}{
		{ms(hundred...), 99, 99 * time.Millisecond}, // rank ceil(0.99*100) = 99
		{ms(hundred...), 50, 50 * time.Millisecond},
		{ms(1, 2, 3), 99, 3 * time.Millisecond}, // rank ceil(2.97) = 3
		{ms(1, 2, 3), 50, 2 * time.Millisecond}, // rank ceil(1.5) = 2
		{ms(7), 1, 7 * time.Millisecond},        // a single sample is every percentile
		{nil, 99, 0},
	}
	for _, c := range cases {
		if got := Percentile(c.in, c.p); got != c.want {
			t.Errorf("Percentile(%d samples, %d) = %s, want %s", len(c.in), c.p, got, c.want)
		}
	}
}

func TestRunCountsEveryRequestAndFailure(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1)%10 == 0 {
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	r := Run(context.Background(), []string{srv.URL + "/a", srv.URL + "/b"}, 8, 200)
	if r.Requests != 200 || served.Load() != 200 {
		t.Fatalf("sent %d, served %d, want 200", r.Requests, served.Load())
	}
	if r.Failures != 20 || r.FirstError == "" {
		t.Errorf("failures = %d (%q), want 20", r.Failures, r.FirstError)
	}
	if !(r.P50 <= r.P90 && r.P90 <= r.P99 && r.P99 <= r.Max) || r.PerSecond <= 0 {
		t.Errorf("inconsistent result: %v", r)
	}
}
