package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// The fault mix of the suite (issue 7): 30% of the items of every BatchWriteItem returned
// unprocessed, 5% of all requests answered HTTP 500, 2% of connections reset without an
// answer, 5% of BatchWriteItem calls throttled whole. On top of the injected faults the table
// has a capacity: 4 partitions of 1,000 WCU/s and a 4,000 WCU/s table cap, which the loader
// reaches without -race (the race detector slows it below that).
var faults = sim.Faults{UnprocessedRate: 0.30, ServerErrorRate: 0.05, ResetRate: 0.02, ThrottleRate: 0.05}

const (
	partitions = 4
	tableCap   = 4000
	table      = "reliability"
)

// fullItems is the size of the suite's main load. go test -short scales it down (for quick
// local runs); make test runs it in full.
func fullItems() int {
	if testing.Short() {
		return 20_000
	}
	return 100_000
}

// backendEnv selects the storage behind the simulator: unset or "dynalite" for a dynalite
// started for the test (the default: the items are really stored and scanned back by a
// DynamoDB-compatible server, through the simulator's forwarder), "sink" for the simulator's
// in-memory sink. Both take about the same time (90-100 s under -race on two cores): the load
// is paced by the faults and the backoffs, not by the storage.
const backendEnv = "DDBLOAD_RELIABILITY_BACKEND"

// stack is a simulator on 127.0.0.1 with the suite's table, and the provider's SDK client
// for it.
type stack struct {
	sim    *sim.Sim
	client *dynamodb.Client
	// inFlight counts requests the simulator is still answering. A cancelled client does not
	// stop the server: a batch it gave up on may still be applied moments later.
	inFlight atomic.Int64
}

// quiesce waits until the simulator answers no request.
func (s *stack) quiesce(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for s.inFlight.Load() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the simulator still answers %d requests after a minute", s.inFlight.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func startStack(t *testing.T, f sim.Faults, seed int64) *stack {
	t.Helper()
	ctx := context.Background()
	cfg := sim.Config{
		Tables: map[string]sim.TableConfig{table: {Partitions: partitions, TableWCU: tableCap}},
		Faults: f,
		Seed:   seed,
	}
	switch b := os.Getenv(backendEnv); b {
	case "sink":
	case "", "dynalite":
		d, err := devstack.StartDynalite(ctx, devstack.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Stop)
		cfg.Backend = d.Endpoint
	default:
		t.Fatalf("%s=%q: use sink or dynalite", backendEnv, b)
	}
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := &stack{sim: s}
	// Served here rather than by sim.Start, to count the requests in flight. The handler gets
	// the server's own ResponseWriter, so the simulator can still hijack it to reset.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st.inFlight.Add(1)
		defer st.inFlight.Add(-1)
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		_ = s.Close()
	})
	endpoint := srv.URL
	// The provider's client: its retryer, its retry count, its connection pool.
	client, err := awsclient.NewLazy(awsclient.Settings{
		Region: devstack.Region, Endpoint: endpoint, AccessKey: devstack.AccessKeyID, SecretKey: devstack.SecretAccessKey,
	}, false).Client(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.client = client
	// Created through the simulator (faults and all), as a user's table would be.
	spec := devstack.TableSpec{Name: table, PartitionKey: devstack.Key{Name: "pk", Type: "S"}, SortKey: &devstack.Key{Name: "sk", Type: "N"},
		ReadUnits: 1000, WriteUnits: tableCap}
	if err := devstack.CreateTable(ctx, client, spec); err != nil {
		t.Fatal(err)
	}
	return st
}

// checkExact scans the whole table and compares it with the dataset: every item present with
// every attribute exact, and nothing else.
func checkExact(t *testing.T, c *dynamodb.Client, d *dataset) {
	t.Helper()
	got := make(map[string]string, len(d.want))
	var extra, dup []string
	pages := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String(table)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		for _, item := range page.Items {
			k := keyOf(item)
			if _, seen := got[k]; seen {
				dup = append(dup, k)
			}
			got[k] = render(item)
			if _, ok := d.want[k]; !ok {
				extra = append(extra, k)
			}
		}
	}
	var missing, differ []string
	for k, want := range d.want {
		g, ok := got[k]
		switch {
		case !ok:
			missing = append(missing, k)
		case g != want:
			differ = append(differ, fmt.Sprintf("%s:\n  got  %s\n  want %s", k, g, want))
		}
	}
	if len(missing)+len(extra)+len(differ)+len(dup) > 0 {
		t.Errorf("the table is not the dataset: %d items scanned, %d expected; %d missing %s, %d extra %s, %d scanned twice %s, %d different:\n%s",
			len(got), len(d.want), len(missing), firstFew(missing), len(extra), firstFew(extra), len(dup), firstFew(dup), len(differ), firstFew(differ))
	}
}

func firstFew(s []string) string {
	slices.Sort(s)
	if len(s) > 3 {
		s = append(s[:3:3], "...")
	}
	return "[" + strings.Join(s, " ") + "]"
}

// logStats records what the simulator saw, so a run's log shows the faults were exercised.
func logStats(t *testing.T, what string, st sim.Stats) {
	t.Helper()
	t.Logf("%s: %d requests (%d BatchWriteItem), %d items written, %d unprocessed (%d injected), %d throttled requests (%d injected), %d HTTP 500s, %d resets",
		what, st.Requests, st.Operations["BatchWriteItem"], st.ItemsWritten, st.UnprocessedItems, st.Faults.UnprocessedItems,
		st.ThrottledRequests, st.Faults.Throttles, st.Faults.ServerErrors, st.Faults.Resets)
}

// requireFaults fails the test when a kind of fault never happened: the run would prove
// nothing about it.
func requireFaults(t *testing.T, st sim.Stats) {
	t.Helper()
	if f := st.Faults; f.UnprocessedItems == 0 || f.ServerErrors == 0 || f.Resets == 0 || f.Throttles == 0 {
		t.Fatalf("not every kind of fault was injected: %+v", f)
	}
}

// concurrency is the suite's worker count (the provider's concurrency attribute). Under these
// faults a batch needs about five calls, each followed by a backoff, and every 500, reset or
// throttling exception costs a further SDK-level backoff (up to 2 s at the first retry): a
// worker spends over a second per batch, so the default 16 workers would take minutes. 128
// workers bring the load near the table's capacity, so without -race the table's own
// throttling (capacity, not injected) is exercised too; the log shows how much.
const concurrency = 128

func options(d *dataset) loader.Options {
	o := loader.Options{Source: d.spec}
	o.Write.Concurrency = concurrency
	return o
}

// TestFaultyLoadIsExact loads 100,000 items through the simulator under every kind of fault
// and checks the table is exactly the dataset.
func TestFaultyLoadIsExact(t *testing.T) {
	t.Parallel()
	n := fullItems()
	d := writeDataset(t, t.TempDir(), n)
	st := startStack(t, faults, 1)

	start := time.Now()
	res, err := loader.Load(context.Background(), st.client, table, schema, options(d))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	t.Logf("loaded %d items (%d WCU) in %s: %d calls, %d retries, %d throttled, %d unprocessed", res.Stats.Written, d.wcu,
		time.Since(start).Round(time.Millisecond), res.Stats.Batches, res.Stats.Retries, res.Stats.Throttled, res.Stats.Unprocessed)
	stats := st.sim.Stats()
	logStats(t, "simulator", stats)
	requireFaults(t, stats)
	if res.Stats.Written != int64(n) || res.Acked.Len() != n || res.Validated.Items != int64(n) {
		t.Errorf("the load reports %d written, %d acknowledged, %d validated; want %d", res.Stats.Written, res.Acked.Len(), res.Validated.Items, n)
	}
	// Faults strike before the simulator applies anything, so each put is applied once, unless
	// the SDK re-sent a call whose answer it lost after the write (a transport error): harmless,
	// puts are idempotent, but worth seeing in the log.
	t.Logf("the simulator applied %d writes for %d items", stats.ItemsWritten, n)
	checkExact(t, st.client, d)
}

// cancelAfter is the provider's client with a trip wire: once the simulator has acknowledged
// at least limit items, it cancels the load's context, while other workers still have
// batches in flight.
type cancelAfter struct {
	*dynamodb.Client
	limit  int64
	acked  atomic.Int64
	cancel context.CancelFunc
	once   sync.Once
}

func (c *cancelAfter) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	out, err := c.Client.BatchWriteItem(ctx, in, optFns...)
	if err == nil {
		n := 0
		for tbl, reqs := range in.RequestItems {
			n += len(reqs) - len(out.UnprocessedItems[tbl])
		}
		if c.acked.Add(int64(n)) >= c.limit {
			c.once.Do(c.cancel)
		}
	}
	return out, err
}

// TestCancelledLoadResumesExact cancels a load under faults at about 40%, resumes it with what
// the first run acknowledged, and checks that the table ends exact and that the resumed run
// wrote only the rest: the items not acknowledged, of which at most the batches in flight at
// the cancel had in fact been written already.
func TestCancelledLoadResumesExact(t *testing.T) {
	t.Parallel()
	n := fullItems() / 4
	d := writeDataset(t, t.TempDir(), n)
	st := startStack(t, faults, 2)
	o := options(d)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	trip := &cancelAfter{Client: st.client, limit: int64(n) * 2 / 5, cancel: cancel}
	res, err := loader.Load(ctx, trip, table, schema, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: err = %v; want context.Canceled", err)
	}
	first := res.Acked.Len()
	st.quiesce(t)
	run1 := st.sim.Stats()
	logStats(t, "first run", run1)
	if first < int(trip.limit) || first >= n {
		t.Fatalf("first run acknowledged %d of %d items; want at least %d and not all", first, n, trip.limit)
	}
	// Written by the simulator but never acknowledged: the batches in flight at the cancel.
	inFlight := run1.ItemsWritten - int64(first)
	if maxInFlight := int64(o.Write.Concurrency * 25); inFlight < 0 || inFlight > maxInFlight {
		t.Errorf("first run: the simulator applied %d writes, %d acknowledged; want at most %d unacknowledged (the batches in flight)",
			run1.ItemsWritten, first, maxInFlight)
	}

	o.Resume = res.Acked
	res2, err := loader.Load(context.Background(), st.client, table, schema, o)
	if err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	run2 := st.sim.Stats()
	logStats(t, "both runs", run2)
	requireFaults(t, run2)
	rest := int64(n - first)
	if res2.Resumed != int64(first) || res2.Stats.Written != rest || res2.Acked.Len() != n {
		t.Errorf("resumed run: resumed %d, wrote %d, acknowledged %d in all; want %d, %d, %d", res2.Resumed, res2.Stats.Written, res2.Acked.Len(), first, rest, n)
	}
	// The simulator applies exactly the rest, give or take a call the SDK re-sent after its
	// answer was lost (bounded like the batches in flight: one per worker).
	if written := run2.ItemsWritten - run1.ItemsWritten; written < rest || written > rest+int64(o.Write.Concurrency*25) {
		t.Errorf("resumed run: the simulator applied %d writes; want the %d items not acknowledged before", written, rest)
	}
	t.Logf("first run acknowledged %d of %d (%d more written unacknowledged); the resumed run wrote %d", first, n, inFlight, res2.Stats.Written)
	checkExact(t, st.client, d)
}
