package sim

import (
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
)

// faultSource draws fault decisions from one seeded generator, so the same seed and the same
// sequence of requests give the same faults. A rate of 0 draws nothing, so enabling one kind
// of fault does not shift the draws of another.
type faultSource struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newFaultSource(seed int64) *faultSource {
	s := uint64(seed)
	return &faultSource{rng: rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))}
}

// draw says whether a fault of the given rate hits.
func (f *faultSource) draw(rate float64) bool {
	if rate <= 0 {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.Float64() < rate
}

// drawN draws n decisions at once (one per item of a batch), in order.
func (f *faultSource) drawN(rate float64, n int) []bool {
	hits := make([]bool, n)
	if rate <= 0 {
		return hits
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range hits {
		hits[i] = f.rng.Float64() < rate
	}
	return hits
}

// resetConnection drops the client's connection without an answer. Lingering off makes the
// close a TCP reset, as a crashed front end would give.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// net/http's documented way to abort a response: the connection is closed.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
