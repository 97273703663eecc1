// Package sim is a capacity simulator and fault injector for DynamoDB: an HTTP endpoint that
// speaks DynamoDB's JSON protocol, sits in front of a DynamoDB-compatible backend (dynalite) or
// a fast in-memory sink, and models what no local server does: per-partition and table-level
// write capacity, UnprocessedItems and throttling exceptions, warm throughput, and injected
// faults (5xx answers, connection resets, latency).
//
// It is part of the test rig (internal/testrig), not the shipped provider: tests and
// benchmarks point an SDK client at it to exercise retries, rate control and partition
// behaviour deterministically (seeded faults, an injectable clock).
//
// Only BatchWriteItem is capacity-modelled. Every other operation is forwarded as is (faults
// still apply); UpdateTable's warm-throughput settings and the bulk operations
// (StartBulkPutItems, which reads S3 through Config.Bulk.Store) are handled by the simulator
// itself.
package sim

import (
	"fmt"
	"maps"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a simulator.
type Config struct {
	// Backend is the URL of a DynamoDB-compatible server to forward to (dynalite); "" selects
	// the built-in in-memory sink.
	Backend string
	// Tables holds each table's capacity model by name. The entry "*" applies to every table
	// not listed; a table matching neither gets the zero TableConfig (one partition at
	// 1,000 WCU/s, no table cap).
	Tables map[string]TableConfig
	Faults Faults
	// Bulk configures the simulated bulk operations (StartBulkPutItems and the rest).
	Bulk BulkConfig
	// Seed seeds every random draw (fault injection): the same seed and the same sequence of
	// requests give the same faults.
	Seed int64
	// Now is the clock for token buckets, warm-throughput delays and the timeline; tests
	// inject a fake. Default time.Now.
	Now func() time.Time
}

// TableConfig is one table's capacity model.
type TableConfig struct {
	// Partitions is the partition count P; 0 derives it with the heuristic
	// ceil(TableRCU/PartitionRCU + TableWCU/PartitionWCU), at least 1: the community formula, not a documented AWS rule.
	Partitions int
	// PartitionWCU and PartitionRCU are each partition's capacity per second (default 1,000
	// and 3,000).
	PartitionWCU, PartitionRCU float64
	// TableWCU and TableRCU are the table-level cap (provisioned capacity); 0 means no cap.
	TableWCU, TableRCU float64
	// OnDemand makes throttles come back as ThrottlingException instead of
	// ProvisionedThroughputExceededException.
	OnDemand bool
	// Burst lets buckets hold up to 300 s of unused capacity; off, a bucket holds 1 s.
	Burst bool
	// WarmUpdateDelay is how long a warm-throughput update stays UPDATING (default 2 s, by
	// Config.Now).
	WarmUpdateDelay time.Duration
	// PartitionKey and SortKey name the key attributes of a table the in-memory sink creates
	// at start (so a loader can write without CreateTable); PartitionKeyType and SortKeyType
	// are "S" (default), "N" or "B". When forwarding, the key schema comes from the backend's
	// DescribeTable instead, and these are ignored.
	PartitionKey, SortKey         string
	PartitionKeyType, SortKeyType string
}

// Faults are injected per request, drawn from a source seeded with Config.Seed.
type Faults struct {
	// ServerErrorRate is the fraction of requests answered HTTP 500 InternalServerError;
	// nothing is applied.
	ServerErrorRate float64
	// ResetRate is the fraction of requests whose connection is closed without a response;
	// nothing is applied.
	ResetRate float64
	// ThrottleRate is the fraction of BatchWriteItem requests answered with the whole-request
	// throttling exception; nothing is applied.
	ThrottleRate float64
	// UnprocessedRate is the fraction of a BatchWriteItem's items returned in UnprocessedItems
	// regardless of capacity.
	UnprocessedRate float64
	// Latency is added to every request (wall-clock, not Config.Now).
	Latency time.Duration
	// AnswerDelay holds back the answer to every BatchWriteItem after its writes were carried
	// out (wall-clock). A client that gives up meanwhile leaves writes applied that it never
	// saw acknowledged, as it can against DynamoDB.
	AnswerDelay time.Duration
}

// Defaults of TableConfig: one partition serves 1,000 WCU/s and 3,000 RCU/s and banks up to
// 300 s of unused capacity.
const (
	DefaultPartitionWCU    = 1000
	DefaultPartitionRCU    = 3000
	DefaultWarmUpdateDelay = 2 * time.Second
	burstSeconds           = 300
)

// Sim is a running simulator: an http.Handler. Safe for concurrent use.
type Sim struct {
	cfg     Config
	now     func() time.Time
	start   time.Time
	faults  *faultSource
	backend backend
	reqID   atomic.Int64

	mu       sync.Mutex // guards tables, timeline and stats
	tables   map[string]*tableState
	timeline map[timelineKey]float64
	stats    Stats
	bulk     *bulkRegistry

	server *http.Server
	served chan struct{}
}

// New checks cfg and returns a simulator; serve it with Start or any http.Server.
func New(cfg Config) (*Sim, error) {
	if err := checkConfig(&cfg); err != nil {
		return nil, err
	}
	cfg.Tables = maps.Clone(cfg.Tables) // the caller may reuse its map
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Sim{
		cfg:      cfg,
		now:      now,
		start:    now(),
		faults:   newFaultSource(cfg.Seed),
		tables:   map[string]*tableState{},
		timeline: map[timelineKey]float64{},
		stats:    Stats{Operations: map[string]int64{}},
		bulk:     newBulkRegistry(),
	}
	// Configured tables exist from the start: burst savings accrue from then.
	for name := range cfg.Tables {
		if name != "*" {
			s.tables[name] = newTableState(name, s.tableConfig(name), s.start)
		}
	}
	if cfg.Backend == "" {
		sk, err := newSink(now, cfg.Tables)
		if err != nil {
			return nil, err
		}
		s.backend = sk
	} else {
		f, err := newForwarder(cfg.Backend)
		if err != nil {
			return nil, err
		}
		s.backend = f
	}
	return s, nil
}

// checkConfig reports the first setting of cfg out of its range.
func checkConfig(cfg *Config) error {
	f := cfg.Faults
	for name, r := range map[string]float64{
		"ServerErrorRate": f.ServerErrorRate, "ResetRate": f.ResetRate,
		"ThrottleRate": f.ThrottleRate, "UnprocessedRate": f.UnprocessedRate,
	} {
		if r < 0 || r > 1 {
			return fmt.Errorf("sim: Faults.%s must be within [0, 1], got %v", name, r)
		}
	}
	if f.AnswerDelay < 0 {
		return fmt.Errorf("sim: Faults.AnswerDelay must not be negative, got %v", f.AnswerDelay)
	}
	if f.Latency < 0 {
		return fmt.Errorf("sim: Faults.Latency must not be negative, got %v", f.Latency)
	}
	for name, t := range cfg.Tables {
		if t.Partitions < 0 || t.PartitionWCU < 0 || t.PartitionRCU < 0 || t.TableWCU < 0 || t.TableRCU < 0 || t.WarmUpdateDelay < 0 {
			return fmt.Errorf("sim: table %q: capacities, partitions and delays must not be negative", name)
		}
		for _, typ := range []string{t.PartitionKeyType, t.SortKeyType} {
			if typ != "" && typ != "S" && typ != "N" && typ != "B" {
				return fmt.Errorf("sim: table %q: key type %q is not S, N or B", name, typ)
			}
		}
	}
	return nil
}

// Start creates a simulator and serves it on 127.0.0.1 at a free port; it returns the
// endpoint URL (http://127.0.0.1:PORT). Call Close when done.
func Start(cfg Config) (*Sim, string, error) {
	return Listen(cfg, 0)
}

// Listen is Start on a chosen port of 127.0.0.1 (0 picks a free one). The simulator never
// listens on another address.
func Listen(cfg Config, port int) (*Sim, string, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, "", err
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		s.backend.close()
		return nil, "", fmt.Errorf("sim: listening on 127.0.0.1:%d: %w", port, err)
	}
	s.server = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	s.served = make(chan struct{})
	go func() {
		defer close(s.served)
		_ = s.server.Serve(l)
	}()
	return s, "http://" + l.Addr().String(), nil
}

// Close stops serving (when started with Start or Listen), dropping open connections at
// once, stops the bulk operations in progress, and releases the backend's connections.
func (s *Sim) Close() error {
	var err error
	if s.server != nil {
		err = s.server.Close()
		<-s.served
	}
	s.bulk.stopAll()
	s.backend.close()
	return err
}

// ServeHTTP answers one DynamoDB JSON 1.0 request.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		// Like DynamoDB's endpoint: a plain GET is a health check.
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("healthy: ddbload capacity simulator\n"))
		return
	}
	op, known := operation(r)
	s.countRequest(op)
	if d := s.cfg.Faults.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if s.faults.draw(s.cfg.Faults.ResetRate) {
		s.countFault(func(f *FaultCounts) { f.Resets++ })
		resetConnection(w)
		return
	}
	if s.faults.draw(s.cfg.Faults.ServerErrorRate) {
		s.countFault(func(f *FaultCounts) { f.ServerErrors++ })
		s.writeError(w, internalError("The server encountered an internal error trying to fulfill the request (injected by the simulator)."))
		return
	}
	if !known {
		s.writeError(w, unknownOperation(r.Header.Get("X-Amz-Target")))
		return
	}
	switch op {
	case "BatchWriteItem":
		if d := s.cfg.Faults.AnswerDelay; d > 0 {
			held := &heldAnswer{header: http.Header{}}
			s.batchWrite(held, r, body)
			held.sendAfter(r.Context(), d, w)
			return
		}
		s.batchWrite(w, r, body)
	case "UpdateTable":
		s.updateTable(w, r, body)
	case "StartBulkPutItems":
		s.startBulkPutItems(w, r, body)
	case "DescribeBulkOperation":
		s.describeBulkOperation(w, body)
	case "CancelBulkOperation":
		s.cancelBulkOperation(w, body)
	case "ListBulkOperations":
		s.listBulkOperations(w)
	default:
		s.pass(w, r, op, body)
	}
}

// pass hands an operation to the backend unchanged and relays the answer, adding the
// simulator's warm-throughput view to table descriptions.
func (s *Sim) pass(w http.ResponseWriter, r *http.Request, op string, body []byte) {
	resp, err := s.backend.call(r, op, body)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if resp.status == http.StatusOK {
		switch op {
		case "DescribeTable":
			resp.body = s.injectWarm(resp.body, "Table", tableName(body))
		case "CreateTable", "DeleteTable":
			s.forgetTable(tableName(body))
		}
		if op == "CreateTable" {
			now := s.now()
			s.mu.Lock()
			s.tableLocked(tableName(body), now)
			s.mu.Unlock()
		}
	}
	s.writeResponse(w, resp)
}

// forgetTable drops what the simulator knows about a table that was created or deleted, so a
// new table of the same name starts afresh.
func (s *Sim) forgetTable(name string) {
	s.backend.forget(name)
	s.mu.Lock()
	delete(s.tables, name)
	s.mu.Unlock()
}

// tableConfig is the capacity model of a table by name, defaults filled in.
func (s *Sim) tableConfig(name string) TableConfig {
	c, ok := s.cfg.Tables[name]
	if !ok {
		c = s.cfg.Tables["*"]
	}
	return withDefaults(c)
}

// tableLocked returns the table's state, creating it on first use. s.mu must be held.
func (s *Sim) tableLocked(name string, now time.Time) *tableState {
	t, ok := s.tables[name]
	if !ok {
		t = newTableState(name, s.tableConfig(name), now)
		s.tables[name] = t
	}
	t.refresh(now)
	return t
}
