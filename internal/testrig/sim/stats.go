package sim

import "maps"

// Stats are a simulator's running totals.
type Stats struct {
	// Requests counts every request; Operations counts them by operation name.
	Requests   int64
	Operations map[string]int64
	// ThrottledRequests counts BatchWriteItem calls answered with a whole-request throttling
	// exception, for lack of capacity or injected.
	ThrottledRequests int64
	// UnprocessedItems counts write requests returned in UnprocessedItems: for lack of
	// capacity, injected, or passed on from the backend.
	UnprocessedItems int64
	// ItemsWritten counts put and delete requests the backend applied.
	ItemsWritten int64
	// WCUConsumed sums the write units admitted.
	WCUConsumed float64
	Faults      FaultCounts
}

// FaultCounts counts injected faults by kind.
type FaultCounts struct {
	ServerErrors int64
	Resets       int64
	Throttles    int64
	// UnprocessedItems counts items returned unprocessed by Faults.UnprocessedRate.
	UnprocessedItems int64
}

// Stats returns a snapshot of the totals.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Operations = maps.Clone(s.stats.Operations)
	return st
}

func (s *Sim) countRequest(op string) {
	if op == "" {
		op = "(none)"
	}
	s.mu.Lock()
	s.stats.Requests++
	s.stats.Operations[op]++
	s.mu.Unlock()
}

func (s *Sim) countFault(f func(*FaultCounts)) {
	s.mu.Lock()
	f(&s.stats.Faults)
	s.mu.Unlock()
}
