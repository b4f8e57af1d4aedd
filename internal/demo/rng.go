package demo

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"sort"

	"github.com/google/uuid"
)

// rng is a seeded PCG stream with the draws the generator needs.
type rng struct {
	*rand.Rand
	stream uint32 // names the stream in the ids it makes
	made   uint32 // ids made so far
}

// newRNG returns the stream named by parts under seed: the same seed and parts
// give the same stream, whatever else the run draws.
func newRNG(seed int64, parts ...string) *rng {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	sum := h.Sum64()
	return &rng{Rand: rand.New(rand.NewPCG(uint64(seed), sum)), stream: uint32(sum >> 32)}
}

// Read fills b from the stream, so uuid.NewRandomFromReader can draw from it.
func (r *rng) Read(b []byte) (int, error) {
	for i := 0; i < len(b); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return len(b), nil
}

// id is a UUID whose first half is the stream and a count within it and
// whose second half is drawn from the stream (version 8, RFC 9562's layout
// of one's own). Ids made together sort together, so a national load appends
// to each table's indexes instead of writing all over them (random ids made
// the load of 17 million EHC events crawl); the same seed gives the same ids.
func (r *rng) id() string {
	var u uuid.UUID
	r.made++
	if r.made >= 1<<28 {
		panic("demo: more than 2^28 ids from one stream")
	}
	binary.BigEndian.PutUint32(u[0:4], r.stream)
	binary.BigEndian.PutUint32(u[4:8], r.made>>12<<16|0x8000|r.made&0x0fff)
	binary.BigEndian.PutUint64(u[8:16], r.Uint64()&^(3<<62)|1<<63) // the RFC's variant, 10
	return u.String()
}

func (r *rng) chance(p float64) bool { return r.Float64() < p }

func pick[T any](r *rng, list []T) T { return list[r.IntN(len(list))] }

// between returns an int in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// weighted draws index i with probability w[i]/sum(w).
type weighted struct{ cum []float64 }

func newWeighted(w []float64) weighted {
	cum := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		cum[i] = s
	}
	return weighted{cum}
}

func (w weighted) draw(r *rng) int {
	x := r.Float64() * w.cum[len(w.cum)-1]
	i := sort.SearchFloat64s(w.cum, x)
	if i >= len(w.cum) {
		i = len(w.cum) - 1
	}
	for w.cum[i] == x && i+1 < len(w.cum) { // x on a boundary belongs to the next bucket
		i++
	}
	return i
}

// choose is a one-off weighted draw over options.
func choose[T any](r *rng, options []T, w []float64) T { return options[newWeighted(w).draw(r)] }

// allocate splits total into len(w) whole counts in proportion to w by the
// largest-remainder method, so the counts sum to total and each is within one
// of its exact share. Ties go to the earlier index.
func allocate(total int, w []float64) []int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	out := make([]int, len(w))
	if sum <= 0 || total <= 0 {
		return out
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(w))
	given := 0
	for i, x := range w {
		exact := float64(total) * x / sum
		out[i] = int(exact)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].f > rems[b].f })
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}
