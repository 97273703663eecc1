package bench

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// Server is the simulator served on 127.0.0.1, with server-side counts of BatchWriteItem.
type Server struct {
	Sim      *sim.Sim
	Endpoint string

	srv    *http.Server
	served chan struct{}

	mu     sync.Mutex
	counts Counts
}

// Counts are what the server saw of BatchWriteItem calls.
type Counts struct {
	Calls int64
	// Throttled counts calls answered with a whole-call throttling exception; Partial, calls
	// that returned some items in UnprocessedItems.
	Throttled, Partial int64
	// First is when the first call arrived, Last when the last answer was sent.
	First, Last time.Time
	// Seconds counts calls and throttled calls per second since First, for the timeline.
	Seconds []SecondCounts
}

// SecondCounts are the calls answered in one second, and how many of them were throttled in
// whole or in part.
type SecondCounts struct{ Calls, Throttled int64 }

// Span is the time from the first call to the last answer.
func (c Counts) Span() time.Duration { return c.Last.Sub(c.First) }

// ThrottledRatio is the share of calls throttled in whole or in part.
func (c Counts) ThrottledRatio() float64 {
	if c.Calls == 0 {
		return 0
	}
	return float64(c.Throttled+c.Partial) / float64(c.Calls)
}

// StartServer starts a simulator with cfg on a free port of 127.0.0.1.
func StartServer(cfg sim.Config) (*Server, error) {
	s, err := sim.New(cfg)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	srv := &Server{Sim: s, Endpoint: "http://" + l.Addr().String(), served: make(chan struct{})}
	srv.srv = &http.Server{Handler: http.HandlerFunc(srv.serve), ReadHeaderTimeout: 30 * time.Second}
	go func() {
		defer close(srv.served)
		_ = srv.srv.Serve(l)
	}()
	return srv, nil
}

// Close stops the server and the simulator.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.served
	return errors.Join(err, s.Sim.Close())
}

// Counts returns the counts so far.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts
	c.Seconds = slices.Clone(c.Seconds)
	return c
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".BatchWriteItem") {
		s.Sim.ServeHTTP(w, r)
		return
	}
	now := time.Now()
	s.mu.Lock()
	if s.counts.First.IsZero() {
		s.counts.First = now
	}
	s.mu.Unlock()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	s.Sim.ServeHTTP(rec, r)
	now = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.Calls++
	sec := int(now.Sub(s.counts.First) / time.Second)
	for len(s.counts.Seconds) <= sec {
		s.counts.Seconds = append(s.counts.Seconds, SecondCounts{})
	}
	s.counts.Seconds[sec].Calls++
	switch {
	case rec.throttled:
		s.counts.Throttled++
		s.counts.Seconds[sec].Throttled++
	case rec.partial:
		s.counts.Partial++
		s.counts.Seconds[sec].Throttled++
	}
	s.counts.Last = now
}

// recorder notes whether an answer was a throttle or returned unprocessed items. The
// simulator writes each answer in one Write.
type recorder struct {
	http.ResponseWriter
	status             int
	throttled, partial bool
}

var (
	unprocessedMark = []byte(`"UnprocessedItems":{"`) // a non-empty UnprocessedItems map
	throttleMarks   = [][]byte{[]byte("ProvisionedThroughputExceededException"), []byte("ThrottlingException")}
)

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == http.StatusOK {
		r.partial = r.partial || bytes.Contains(b, unprocessedMark)
	} else {
		for _, m := range throttleMarks {
			r.throttled = r.throttled || bytes.Contains(b, m)
		}
	}
	return r.ResponseWriter.Write(b)
}

// Hijack lets the simulator's connection-reset fault through the wrapper.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(r.ResponseWriter).Hijack()
}
