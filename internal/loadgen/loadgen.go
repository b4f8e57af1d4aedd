// Package loadgen sends a bounded load to a server on loopback and reports
// latency percentiles: the measure behind every "p99 under N ms at 32
// concurrent clients" target. It is used from benchmarks, never timed tests.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Result summarises one run.
type Result struct {
	Requests   int
	Failures   int // transport errors and non-2xx answers
	P50, P90   time.Duration
	P99, Max   time.Duration
	PerSecond  float64
	FirstError string
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests, %d failed, p50 %s, p90 %s, p99 %s, max %s, %.0f req/s",
		r.Requests, r.Failures, r.P50, r.P90, r.P99, r.Max, r.PerSecond)
}

// Run sends requests GETs, spread over urls in turn, from concurrency clients
// at once, and waits for them all. Each response body is read in full.
func Run(ctx context.Context, urls []string, concurrency, requests int) Result {
	return RunAs(ctx, urls, nil, concurrency, requests)
}

// RunAs is Run with header on every request: a signed-in session's cookie,
// for pages behind sign-in.
func RunAs(ctx context.Context, urls []string, header http.Header, concurrency, requests int) Result {
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency},
	}
	defer client.CloseIdleConnections()
	latencies := make([]time.Duration, requests)
	var (
		mu       sync.Mutex
		failures int
		firstErr string
		wg       sync.WaitGroup
	)
	next := make(chan int)
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for i := range next {
				t0 := time.Now()
				err := get(ctx, client, urls[i%len(urls)], header)
				latencies[i] = time.Since(t0)
				if err != nil {
					mu.Lock()
					if failures++; firstErr == "" {
						firstErr = err.Error()
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range requests {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	return Result{
		Requests: requests, Failures: failures, FirstError: firstErr,
		P50: Percentile(latencies, 50), P90: Percentile(latencies, 90), P99: Percentile(latencies, 99),
		Max: latencies[len(latencies)-1], PerSecond: float64(requests) / elapsed.Seconds(),
	}
}

func get(ctx context.Context, c *http.Client, url string, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

// Percentile returns the nearest-rank p-th percentile of sorted durations.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}
