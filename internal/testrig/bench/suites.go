package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// Sizes are the dataset sizes of the suites, in items of one write unit each.
type Sizes struct {
	Partitions int // P of the simulated table; it is provisioned at P × 1,000 WCU/s
	Efficiency int // uniform and sorted runs (about Efficiency / (P×1000) s at the limit)
	Skewed     int // Zipf runs: the hot partition sets the limit, so fewer items
	Peers      int // ours, naive and boto3 on the simulated table and on the sink
	CLI        int // the AWS CLI: a process per 25 items, so far fewer
	Speed      int // raw speed on the sink
	Terraform  int // terraform apply against the engine alone
	ShardCount int // shards of the skewed run with sharding
	Reps       int // runs of each efficiency case; the table shows the median and the range
	// TerraformRounds are the rounds of benchmark 4: a ratio of two processes' wall times
	// spreads more between rounds than one run's rate does, so it takes more of them.
	TerraformRounds int
}

// DefaultSizes size each run to take about 10-30 s on two cores.
var DefaultSizes = Sizes{Partitions: 8, Efficiency: 200_000, Skewed: 100_000, Peers: 150_000, CLI: 1_000,
	Speed: 300_000, Terraform: 1_000_000, ShardCount: 10, Reps: 3, TerraformRounds: 5}

// PeerLatency is the latency added to every call in the last peer comparison.
const PeerLatency = 5 * time.Millisecond

const (
	benchTable   = "bench"
	partitionWCU = sim.DefaultPartitionWCU
)

// provisioned is the simulated table of the efficiency and peer runs: P partitions of 1,000
// WCU/s and a table cap of P × 1,000, the capacity the partition formula gives P partitions.
func provisioned(p int) sim.TableConfig {
	return sim.TableConfig{Partitions: p, TableWCU: float64(p) * partitionWCU, PartitionKey: "pk", SortKey: "sk"}
}

// unlimited is the sink with no capacity limit: pure speed.
func unlimited() sim.TableConfig {
	return sim.TableConfig{Partitions: 1, PartitionWCU: 1e12, PartitionKey: "pk", SortKey: "sk"}
}

// measured is one loader run against a fresh simulator.
type measured struct {
	run    *Run
	counts Counts
	limit  Limit
	stats  sim.Stats
}

// measure starts a simulator with tc as benchTable, runs load against it, and collects the
// server-side view. With e.Timeline set it also prints the per-partition timeline there.
func (e *Env) measure(tc sim.TableConfig, faults sim.Faults, load func(endpoint string) (*Run, error)) (*measured, error) {
	srv, err := StartServer(sim.Config{Tables: map[string]sim.TableConfig{benchTable: tc}, Faults: faults})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	run, err := load(srv.Endpoint)
	if err != nil {
		return nil, err
	}
	m := &measured{run: run, counts: srv.Counts(), stats: srv.Sim.Stats()}
	if e.Timeline != nil {
		srv.Sim.PrintTimeline(e.Timeline)
		_, _ = fmt.Fprint(e.Timeline, "BatchWriteItem calls throttled (in whole or part) / answered, per second:")
		for _, c := range m.counts.Seconds {
			_, _ = fmt.Fprintf(e.Timeline, " %d/%d", c.Throttled, c.Calls)
		}
		_, _ = fmt.Fprintln(e.Timeline)
	}
	m.limit = PhysicalLimit(srv.Sim.Timeline(), benchTable, partitionWCU, tc.TableWCU)
	if m.stats.ItemsWritten < run.Result.Items {
		return nil, fmt.Errorf("the simulator applied %d writes but the loader reports %d items", m.stats.ItemsWritten, run.Result.Items)
	}
	return m, nil
}

// collectionSize is the items of a Dist of large collections at sz: its own size at the
// default Efficiency.
func collectionSize(d Dist, sz Sizes) int {
	return CollectionItems(d) * sz.Efficiency / DefaultSizes.Efficiency
}

func (e *Env) dataset(n int, d Dist) (*Dataset, error) {
	return Generate(e.WorkDir, n, d)
}

// Efficiency is benchmark 1: ours against the physical limit of a table of P partitions for
// uniform, sorted and Zipf-skewed keys, with and without sharding.
func (e *Env) Efficiency(ctx context.Context, w io.Writer, sz Sizes) error {
	p := sz.Partitions
	_, _ = fmt.Fprintf(w, "## 1. Efficiency against the physical limit (%d partitions × %d WCU/s, table cap %d WCU/s)\n\n", p, partitionWCU, p*partitionWCU)
	type tcase struct {
		name  string
		dist  Dist
		n     int
		shard int
		order string
		maxW  float64
		once  bool
		gzip  bool // the dataset as one gzip file
		// faults are injected by the simulator on top of its capacity limits.
		faults sim.Faults
	}
	// Faults that are not capacity: server errors and connection resets say nothing about the
	// table's capacity; items returned unprocessed regardless of capacity look like throttling.
	// The 40 ms per call makes the writers, not the table, the bottleneck once a fault idles
	// one, as against a slow endpoint; at loopback speed idle writers cost nothing.
	serverFaults := sim.Faults{ServerErrorRate: 0.05, ResetRate: 0.02, Latency: 40 * time.Millisecond}
	unprocessed := sim.Faults{UnprocessedRate: 0.3}
	allFaults := sim.Faults{ServerErrorRate: 0.05, ResetRate: 0.02, UnprocessedRate: 0.3, ThrottleRate: 0.05}
	cases := []tcase{
		{name: "uniform", dist: Uniform, n: sz.Efficiency},
		{name: "sorted by key", dist: Sorted, n: sz.Efficiency},
		// Large item collections: a window's worth of sorted input holds only a few keys. Their
		// sizes scale with Efficiency (quick runs: a tenth of each collection).
		{name: "sorted, 100 keys × 5,000 items", dist: Collections100, n: collectionSize(Collections100, sz)},
		{name: "sorted, 100 keys × 5,000 items, one gzip file", dist: Collections100, n: collectionSize(Collections100, sz), gzip: true},
		{name: "sorted, 20 keys × 20,000 items", dist: Collections20, n: collectionSize(Collections20, sz)},
		{name: "sorted, 50 keys × 5,000 and 10 keys × 20,000 items", dist: CollectionsMix, n: collectionSize(CollectionsMix, sz)},
		{name: "Zipf, no sharding", dist: Zipf, n: sz.Skewed},
		{name: fmt.Sprintf("Zipf, sharded ×%d", sz.ShardCount), dist: Zipf, n: sz.Skewed, shard: sz.ShardCount},
		// Not targets, for comparison (one run each): a write-rate cap at the table's capacity,
		// and sorted input written in file order (a rolling hot partition).
		{name: "uniform, max_write_units_per_second = table cap", dist: Uniform, n: sz.Efficiency, maxW: float64(p * partitionWCU), once: true},
		{name: "sorted by key, order = preserve", dist: Sorted, n: sz.Efficiency, order: "preserve", once: true},
		{name: "uniform, faults: 5% HTTP 500 + 2% connection resets", dist: Uniform, n: sz.Efficiency, faults: serverFaults},
		{name: "uniform, faults: 30% of items unprocessed", dist: Uniform, n: sz.Efficiency, faults: unprocessed},
		{name: "uniform, faults: all of the above + 5% whole-call throttles", dist: Uniform, n: sz.Efficiency, faults: allFaults},
	}
	t := &table{header: []string{"input", "items", "hot partition", "T_phys s", "R_phys WCU/s", "runs", "write span s", "WCU/s", "÷ R_phys", "throttled calls"}}
	for i := range cases {
		c := &cases[i]
		if e.Cases != "" && !strings.Contains(c.name, e.Cases) {
			continue
		}
		d, err := e.dataset(c.n, c.dist)
		if err == nil && c.gzip {
			d, err = d.Gzipped()
		}
		if err != nil {
			return err
		}
		reps := max(1, sz.Reps)
		if c.once {
			reps = 1
		}
		var runs []*measured
		for range reps {
			m, err := e.measure(provisioned(p), c.faults, func(endpoint string) (*Run, error) {
				return e.runLoad(ctx, LoadConfig{Loader: "ours", Endpoint: endpoint, Table: benchTable, File: d.Path, ShardCount: c.shard, Order: c.order, MaxWCU: c.maxW})
			})
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			runs = append(runs, m)
			e.log().Info("Efficiency run done", "case", c.name, "of_r_phys", hclog.Fmt("%.2f", m.limit.Efficiency(m.counts.Span())),
				"throttled_percent", hclog.Fmt("%.1f", 100*m.counts.ThrottledRatio()))
		}
		eff := func(m *measured) float64 { return m.limit.Efficiency(m.counts.Span()) }
		thr := func(m *measured) float64 { return m.counts.ThrottledRatio() }
		slices.SortFunc(runs, func(a, b *measured) int { return cmp.Compare(eff(a), eff(b)) })
		mid := runs[len(runs)/2] // the median run (by efficiency)
		span, l := mid.counts.Span(), mid.limit
		t.add(c.name, fmt.Sprint(d.Items), pct(l.HotWCU/l.SumWCU), f1(l.TPhys.Seconds()), f0(l.RPhys), fmt.Sprint(len(runs)),
			f1(span.Seconds()), f0(l.SumWCU/span.Seconds()), spread(runs, eff, f2), spread(runs, thr, pct))
	}
	t.print(w)
	return nil
}

// peer is a loader in the side-by-side comparison.
type peer struct {
	name string
	n    int
	run  func(endpoint string) (*Run, error)
}

func (e *Env) peers(ctx context.Context, sz Sizes) ([]peer, error) {
	d, err := e.dataset(sz.Peers, Uniform)
	if err != nil {
		return nil, err
	}
	cliDir := filepath.Join(e.WorkDir, fmt.Sprintf("cli-%d", sz.CLI))
	if err := os.MkdirAll(cliDir, 0o755); err != nil {
		return nil, err
	}
	cliItems, err := WriteCLIBatches(cliDir, benchTable, sz.CLI, Uniform, sz.Peers)
	if err != nil {
		return nil, err
	}
	return []peer{
		{"ours (ddbload engine, defaults)", d.Items, func(ep string) (*Run, error) {
			return e.runLoad(ctx, LoadConfig{Loader: "ours", Endpoint: ep, Table: benchTable, File: d.Path})
		}},
		{"naive Go, 1 worker, in order", d.Items, func(ep string) (*Run, error) {
			return e.runLoad(ctx, LoadConfig{Loader: "naive", Endpoint: ep, Table: benchTable, File: d.Path})
		}},
		{"boto3 Table.batch_writer", d.Items, func(ep string) (*Run, error) { return e.runBoto3(ctx, ep, benchTable, d.Path) }},
		{fmt.Sprintf("aws dynamodb batch-write-item (first %d items)", cliItems), cliItems, func(ep string) (*Run, error) {
			return e.runCLI(ctx, ep, cliDir, cliItems)
		}},
	}, nil
}

// Peers is benchmark 2: the same uniform dataset loaded by ours and by its peers, on the
// simulated table and on the unlimited sink.
func (e *Env) Peers(ctx context.Context, w io.Writer, sz Sizes) error {
	peers, err := e.peers(ctx, sz)
	if err != nil {
		return err
	}
	for _, target := range []*struct {
		title   string
		tc      sim.TableConfig
		latency time.Duration
	}{
		{fmt.Sprintf("on the simulated table (%d partitions, table cap %d WCU/s)", sz.Partitions, sz.Partitions*partitionWCU), provisioned(sz.Partitions), 0},
		{"on the in-memory sink, no capacity limit", unlimited(), 0},
		// Not a target: a local endpoint answers in microseconds, which flatters a single
		// writer; a client in the table's region waits milliseconds per call.
		{fmt.Sprintf("on the in-memory sink, no capacity limit, %s added to every call", PeerLatency), unlimited(), PeerLatency},
	} {
		_, _ = fmt.Fprintf(w, "## 2. Peers side by side, %s; uniform keys\n\n", target.title)
		t := &table{header: []string{"loader", "items", "wall s", "items/s (wall)", "ours ÷ peer", "write span s", "items/s (span)", "÷ R_phys", "throttled calls", "CPU s / 100k", "peak RSS MB"}}
		var ours float64
		for _, p := range peers {
			m, err := e.measure(target.tc, sim.Faults{Latency: target.latency}, p.run)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			rate := float64(p.n) / m.run.Wall.Seconds()
			if ours == 0 {
				ours = rate
			}
			span := m.counts.Span()
			eff := "-"
			if target.tc.TableWCU > 0 {
				eff = f2(m.limit.Efficiency(span))
			}
			t.add(p.name, fmt.Sprint(p.n), f1(m.run.Wall.Seconds()), f0(rate), f1(ours/rate), f1(span.Seconds()), f0(float64(p.n)/span.Seconds()),
				eff, pct(m.counts.ThrottledRatio()), f2(m.run.CPU.Seconds()/float64(p.n)*100_000), mb(m.run.MaxRSSKB))
			e.log().Info("Peer run done", "peer", p.name, "items_per_second", int64(rate))
		}
		t.print(w)
	}
	return nil
}

// Speed is benchmark 3: ours against the unlimited sink, at the default and a higher worker
// count: items/s, CPU seconds per 100,000 items (the loader's process only) and peak RSS.
func (e *Env) Speed(ctx context.Context, w io.Writer, sz Sizes) error {
	d, err := e.dataset(sz.Speed, Uniform)
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(w, "## 3. Raw speed against the in-memory sink (%d items, %.0f MB file)\n\n", d.Items, float64(d.Bytes)/(1<<20))
	t := &table{header: []string{"workers", "wall s", "items/s (wall)", "write phase s", "items/s (write phase)", "CPU s / 100k", "peak RSS MB"}}
	for _, workers := range []int{0, 64} {
		m, err := e.measure(unlimited(), sim.Faults{}, func(ep string) (*Run, error) {
			return e.runLoad(ctx, LoadConfig{Loader: "ours", Endpoint: ep, Table: benchTable, File: d.Path, Concurrency: workers})
		})
		if err != nil {
			return err
		}
		name := fmt.Sprint(workers)
		if workers == 0 {
			name = "16 (default)"
		}
		r := m.run
		t.add(name, f1(r.Wall.Seconds()), f0(float64(d.Items)/r.Wall.Seconds()), f1(r.Result.WriteSeconds), f0(float64(d.Items)/r.Result.WriteSeconds),
			f2(r.CPU.Seconds()/float64(d.Items)*100_000), mb(r.MaxRSSKB))
	}
	t.print(w)
	return nil
}

// spread formats the median of runs (sorted by efficiency, so the median run's value) and,
// for several runs, the range of the value over them.
func spread(runs []*measured, v func(*measured) float64, format func(float64) string) string {
	mid := format(v(runs[len(runs)/2]))
	if len(runs) == 1 {
		return mid
	}
	lo, hi := v(runs[0]), v(runs[0])
	for _, r := range runs {
		lo, hi = min(lo, v(r)), max(hi, v(r))
	}
	return fmt.Sprintf("%s (%s–%s)", mid, format(lo), format(hi))
}
