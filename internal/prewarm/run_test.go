package prewarm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

func tp(r, w int64) tableinfo.Throughput { return tableinfo.Throughput{ReadUnits: r, WriteUnits: w} }

func warmSpec(r, w int64) Spec {
	return Spec{Table: "orders", Strategy: StrategyWarmThroughput, Target: tp(r, w)}
}

func switchSpec(r, w int64, hold time.Duration) Spec {
	return Spec{Table: "orders", Strategy: StrategyProvisionedSwitch, Target: tp(r, w), Hold: hold}
}

func TestWarmRaisesTableAndGSIsInOneCallAndWaitsForActive(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	spec := warmSpec(20000, 10000)
	spec.Indexes = map[string]IndexSpec{"by_owner": {Target: tp(0, 6000)}} // read defaults to the table's

	res, err := newEngine(f).Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.updates) != 1 {
		t.Fatalf("UpdateTable calls = %d, want 1", len(f.updates))
	}
	in := f.updates[0]
	if w := in.WarmThroughput; w == nil || aws.ToInt64(w.ReadUnitsPerSecond) != 20000 || aws.ToInt64(w.WriteUnitsPerSecond) != 10000 {
		t.Errorf("table warm request = %+v", in.WarmThroughput)
	}
	if in.BillingMode != "" || in.ProvisionedThroughput != nil {
		t.Errorf("warm_throughput must not touch the billing mode: %+v", in)
	}
	got := map[string]tableinfo.Throughput{}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		w := u.Update.WarmThroughput
		got[aws.ToString(u.Update.IndexName)] = tp(aws.ToInt64(w.ReadUnitsPerSecond), aws.ToInt64(w.WriteUnitsPerSecond))
	}
	if got["by_status"] != tp(20000, 10000) || got["by_owner"] != tp(20000, 6000) || len(got) != 2 {
		t.Errorf("GSI warm requests = %v", got)
	}
	// The update takes 20 s of fake time; the run must have waited for it.
	if clock.slept < f.delay {
		t.Errorf("slept %v, want at least the update's %v", clock.slept, f.delay)
	}
	m := f.snapshot()
	if m.warm != tp(20000, 10000) || m.warmStatus != "ACTIVE" || m.gsis[1].warm != tp(20000, 6000) {
		t.Errorf("table after run: %+v", m)
	}
	if res.Final.WarmThroughput.Status != "ACTIVE" || res.Final.WarmThroughput.WriteUnits != 10000 || res.UpdateCalls != 1 || res.CompletedAt.IsZero() {
		t.Errorf("result = %+v, final warm %+v", res, res.Final.WarmThroughput)
	}
	if len(res.Plan.Indexes) != 2 || !strings.Contains(res.Plan.Steps[0].Summary, "GSI by_owner") {
		t.Errorf("plan = %+v", res.Plan)
	}
}

func TestWarmIsIdempotent(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	e := newEngine(f)
	if _, err := e.Run(context.Background(), warmSpec(12000, 9000)); err != nil {
		t.Fatal(err)
	}
	if f.updateCount() != 1 {
		t.Fatalf("first run: %d UpdateTable calls", f.updateCount())
	}
	res, err := e.Run(context.Background(), warmSpec(12000, 9000))
	if err != nil {
		t.Fatal(err)
	}
	if f.updateCount() != 1 || !res.Plan.NoOp || res.UpdateCalls != 0 || !strings.HasPrefix(res.Plan.Actions()[0], "none: ") {
		t.Fatalf("second run: %d calls, plan %+v", f.updateCount(), res.Plan)
	}
}

func TestWarmNeverDecreases(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs()) // 12,000 read / 4,000 write everywhere

	// Below on both: nothing to do, no call, and the plan says what is above.
	res, err := newEngine(f).Run(context.Background(), warmSpec(1000, 1000))
	if err != nil || f.updateCount() != 0 || !res.Plan.NoOp || len(res.Plan.Above) != 3 {
		t.Fatalf("err %v, calls %d, plan %+v", err, f.updateCount(), res.Plan)
	}
	// Below on read, above on write: only write is requested.
	if _, err := newEngine(f).Run(context.Background(), warmSpec(5000, 8000)); err != nil {
		t.Fatal(err)
	}
	if f.updateCount() != 1 {
		t.Fatalf("calls = %d", f.updateCount())
	}
	w := f.updates[0].WarmThroughput
	if w.ReadUnitsPerSecond != nil || aws.ToInt64(w.WriteUnitsPerSecond) != 8000 {
		t.Errorf("request = read %v write %v; want read unset, write 8000", w.ReadUnitsPerSecond, aws.ToInt64(w.WriteUnitsPerSecond))
	}
	if m := f.snapshot(); m.warm != tp(12000, 8000) {
		t.Errorf("warm after = %+v; read must stay 12000", m.warm)
	}
}

func TestWarmWaitsForUpdatingTableFirst(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := onDemandWithGSIs()
	f := newFake(clock, m)
	// Someone else's update is running for another 2 minutes.
	next := f.model.clone()
	f.model.status = "UPDATING"
	f.model.gsis[0].status = "UPDATING"
	f.pending, f.readyAt = &next, t0.Add(2*time.Minute)
	var firstUpdateAt time.Time
	f.updateErr = func(*dynamodb.UpdateTableInput) error {
		if firstUpdateAt.IsZero() {
			firstUpdateAt = clock.Now()
		}
		return nil
	}
	if _, err := newEngine(f).Run(context.Background(), warmSpec(20000, 20000)); err != nil {
		t.Fatal(err)
	}
	if firstUpdateAt.Before(t0.Add(2 * time.Minute)) {
		t.Fatalf("UpdateTable at %v, before the running update ended at %v", firstUpdateAt, t0.Add(2*time.Minute))
	}
	if len(f.updates) != 1 {
		t.Fatalf("UpdateTable calls = %d, want 1 (no attempt while UPDATING)", len(f.updates))
	}
}

func TestWarmIgnoresStaleDescriptions(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	f.staleReads = 2 // the first two describes after the update still show the old values, ACTIVE
	res, err := newEngine(f).Run(context.Background(), warmSpec(30000, 30000))
	if err != nil {
		t.Fatal(err)
	}
	if res.Final.WarmThroughput.ReadUnits != 30000 || res.Final.GlobalIndexes[1].WarmThroughput.WriteUnits != 30000 {
		t.Fatalf("the run stopped on a stale description: %+v", res.Final.WarmThroughput)
	}
}

func TestWarmNotReported(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	f.noWarm = true
	_, err := newEngine(f).Run(context.Background(), warmSpec(20000, 20000))
	var nr *WarmThroughputNotReportedError
	if !errors.As(err, &nr) || nr.Table != "orders" {
		t.Fatalf("err = %v, want WarmThroughputNotReportedError", err)
	}
}

func TestWaitTimeouts(t *testing.T) {
	t.Parallel()
	t.Run("while the table stays UPDATING", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		f := newFake(clock, onDemandWithGSIs())
		f.model.status = "UPDATING" // and no pending change: it never settles
		ctx := clock.withDeadline(10 * time.Minute)
		res, err := newEngine(f).Run(ctx, warmSpec(20000, 20000))
		var we *WaitError
		if !errors.As(err, &we) || !errors.Is(err, context.Canceled) || !strings.Contains(we.Last, "table UPDATING") {
			t.Fatalf("err = %v, want a WaitError wrapping the context's error", err)
		}
		if len(f.updates) != 0 || res.UpdateCalls != 0 {
			t.Fatalf("UpdateTable called %d times on a busy table", len(f.updates))
		}
		if got := clock.Now(); got != t0.Add(10*time.Minute) {
			t.Fatalf("gave up at %v, want at the deadline", got)
		}
	})
	t.Run("while warm throughput stays UPDATING", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		f := newFake(clock, onDemandWithGSIs())
		f.delay = time.Hour
		ctx := clock.withDeadline(5 * time.Minute)
		res, err := newEngine(f).Run(ctx, warmSpec(20000, 20000))
		var we *WaitError
		if !errors.As(err, &we) || !strings.Contains(we.For, "warm throughput") || res.UpdateCalls != 1 || !res.CompletedAt.IsZero() {
			t.Fatalf("err = %v, result %+v", err, res)
		}
	})
	t.Run("during the hold", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		f := newFake(clock, onDemandWithGSIs())
		ctx := clock.withDeadline(10 * time.Minute)
		res, err := newEngine(f).Run(ctx, switchSpec(20000, 20000, time.Hour))
		var we *WaitError
		if !errors.As(err, &we) || !strings.Contains(we.For, "hold") {
			t.Fatalf("err = %v, want a WaitError during the hold", err)
		}
		if !res.LeftAtPeak() || res.HoldStartedAt.IsZero() || f.updateCount() != 1 {
			t.Fatalf("result %+v; calls %d", res, f.updateCount())
		}
	})
	t.Run("an already cancelled context", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		f := newFake(clock, onDemandWithGSIs())
		f.model.status = "UPDATING"
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newEngine(f).Run(ctx, warmSpec(20000, 20000))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSwitchFromOnDemandHoldsAtTargetsThenSwitchesBack(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	f.id = "t-1"
	spec := switchSpec(20000, 15000, 30*time.Minute)
	spec.Indexes = map[string]IndexSpec{"by_status": {Target: tp(1000, 2000)}}

	var during []fakeModel
	clock.onSleep = func(d time.Duration) {
		if d == 30*time.Minute {
			during = append(during, f.snapshot())
		}
	}
	res, err := newEngine(f).Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(during) != 1 {
		t.Fatalf("saw the hold %d times", len(during))
	}
	h := during[0]
	if h.billing != BillingProvisioned || h.status != "ACTIVE" || h.prov != tp(20000, 15000) ||
		h.gsis[0].prov != tp(1000, 2000) || h.gsis[1].prov != tp(20000, 15000) || h.gsis[0].status != "ACTIVE" {
		t.Fatalf("during the hold: %+v", h)
	}
	raise := f.updates[0]
	if raise.BillingMode != types.BillingModeProvisioned || len(raise.GlobalSecondaryIndexUpdates) != 2 {
		t.Errorf("raise = %+v", raise)
	}
	if final := f.updates[1]; final.BillingMode != types.BillingModePayPerRequest || final.ProvisionedThroughput != nil || len(f.updates) != 2 {
		t.Errorf("final = %+v (%d calls)", final, len(f.updates))
	}
	end := f.snapshot()
	if end.billing != BillingPayPerRequest || end.status != "ACTIVE" || end.lastSwitch == nil {
		t.Errorf("at the end: %+v", end)
	}
	if res.Final.BillingMode != BillingPayPerRequest || !res.Finalized || res.LeftAtPeak() || res.HoldEndedAt.Sub(res.HoldStartedAt) != 30*time.Minute {
		t.Errorf("result = %+v", res)
	}
	// Capacity-hours of the hold: (20,000 + 1,000 + 20,000) RCU and (15,000 + 2,000 + 15,000) WCU for half an hour.
	if res.Plan.HoldCapacityHours != (CapacityHours{Read: 20500, Write: 16000}) {
		t.Errorf("hold capacity-hours = %+v", res.Plan.HoldCapacityHours)
	}
	if len(res.Actions) < 5 || !strings.Contains(strings.Join(res.Actions, "\n"), "held 30m0s") {
		t.Errorf("actions = %q", res.Actions)
	}
}

func TestSwitchRaisesAnAlreadyProvisionedTableWithoutLowering(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, fakeModel{billing: BillingProvisioned, prov: tp(100, 100), gsis: []fakeIndex{
		{name: "by_status", prov: tp(30000, 10)},
		{name: "by_owner", prov: tp(20000, 20000)}, // already at the targets
	}})
	res, err := newEngine(f).Run(context.Background(), switchSpec(20000, 20000, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	raise := f.updates[0]
	if raise.BillingMode != "" || aws.ToInt64(raise.ProvisionedThroughput.ReadCapacityUnits) != 20000 {
		t.Errorf("raise = %+v", raise)
	}
	if len(raise.GlobalSecondaryIndexUpdates) != 1 {
		t.Fatalf("GSI updates = %d, want only by_status", len(raise.GlobalSecondaryIndexUpdates))
	}
	u := raise.GlobalSecondaryIndexUpdates[0].Update
	if aws.ToString(u.IndexName) != "by_status" || aws.ToInt64(u.ProvisionedThroughput.ReadCapacityUnits) != 30000 ||
		aws.ToInt64(u.ProvisionedThroughput.WriteCapacityUnits) != 20000 {
		t.Errorf("by_status update = %+v / %+v (read must stay 30,000)", u, u.ProvisionedThroughput)
	}
	if res.Plan.Steps[0].Kind != StepRaiseProvisioned || len(res.Plan.Above) != 1 || f.snapshot().billing != BillingPayPerRequest {
		t.Errorf("plan %+v, end %+v", res.Plan, f.snapshot())
	}
}

func TestSwitchAtPeakAlreadySwitchesWithoutHold(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, fakeModel{billing: BillingProvisioned, prov: tp(50, 50)})
	res, err := newEngine(f).Run(context.Background(), switchSpec(10, 10, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.updates) != 1 || f.updates[0].BillingMode != types.BillingModePayPerRequest || !res.HoldStartedAt.IsZero() || res.Plan.Hold != 0 {
		t.Fatalf("calls %d, result %+v", len(f.updates), res)
	}
}

func TestSwitchToSteadyProvisioned(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	spec := switchSpec(20000, 20000, time.Minute)
	spec.FinalBillingMode = BillingProvisioned
	spec.FinalCapacity = tp(100, 50)
	spec.Indexes = map[string]IndexSpec{"by_owner": {FinalCapacity: tp(0, 20000)}} // write stays at the peak
	if _, err := newEngine(f).Run(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	m := f.snapshot()
	if len(f.updates) != 2 || m.billing != BillingProvisioned || m.prov != tp(100, 50) || m.gsis[0].prov != tp(100, 50) || m.gsis[1].prov != tp(100, 20000) {
		t.Fatalf("calls %d, table %+v", len(f.updates), m)
	}
	if f.updates[1].BillingMode != "" {
		t.Errorf("steady update must not switch modes: %+v", f.updates[1])
	}

	// Run again: already provisioned at the peak? No: at the steady capacity, so it raises
	// again; with targets at the steady capacity it is a no-op.
	spec.Target = tp(100, 50)
	spec.Indexes = map[string]IndexSpec{"by_owner": {Target: tp(100, 20000), FinalCapacity: tp(0, 20000)}}
	res, err := newEngine(f).Run(context.Background(), spec)
	if err != nil || !res.Plan.NoOp || f.updateCount() != 2 {
		t.Fatalf("err %v, plan %+v, calls %d", err, res.Plan, f.updateCount())
	}
}

func TestSwitchIsANoOpWhenWarmAlreadyReportsTheTargets(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	e := newEngine(f)
	if _, err := e.Run(context.Background(), switchSpec(20000, 20000, time.Minute)); err != nil {
		t.Fatal(err)
	}
	// After the switch the table reports warm throughput at the peak it was provisioned at.
	res, err := e.Run(context.Background(), switchSpec(20000, 20000, time.Minute))
	if err != nil || !res.Plan.NoOp || f.updateCount() != 2 {
		t.Fatalf("second run: err %v, plan %+v, calls %d", err, res.Plan, f.updateCount())
	}
}

func TestSwitchRefusedExplainsTheRule(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	last := t0.Add(-3 * time.Hour)
	f.model.lastSwitch = &last
	f.updateErr = func(in *dynamodb.UpdateTableInput) error {
		if in.BillingMode == types.BillingModePayPerRequest {
			return &types.LimitExceededException{Message: aws.String("Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s).")}
		}
		return nil
	}
	res, err := newEngine(f).Run(context.Background(), switchSpec(20000, 20000, time.Minute))
	var sr *SwitchRefusedError
	if !errors.As(err, &sr) || sr.SafeAt == nil || !sr.SafeAt.Equal(last.Add(24*time.Hour)) {
		t.Fatalf("err = %v, want SwitchRefusedError with the safe time", err)
	}
	if !res.LeftAtPeak() || !strings.Contains(err.Error(), "4 switches") || !strings.Contains(res.Plan.PeakSummary(), "table orders 20,000 RCU / 20,000 WCU") {
		t.Fatalf("result %+v, err %v, peak %q", res, err, res.Plan.PeakSummary())
	}
	// Other failures of the final switch are plain UpdateErrors.
	f2 := newFake(newFakeClock(), onDemandWithGSIs())
	f2.updateErr = func(in *dynamodb.UpdateTableInput) error {
		if in.BillingMode == types.BillingModePayPerRequest {
			return errors.New("connection reset")
		}
		return nil
	}
	_, err = newEngine(f2).Run(context.Background(), switchSpec(20000, 20000, time.Minute))
	var ue *UpdateError
	if !errors.As(err, &ue) || errors.As(err, &sr) || ue.Step != StepSwitchToOnDemand {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdateRetriesWhenAnotherUpdateRuns(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	busy := 2
	f.updateErr = func(*dynamodb.UpdateTableInput) error {
		if busy > 0 {
			busy--
			return &types.ResourceInUseException{Message: aws.String("Table is being updated")}
		}
		return nil
	}
	res, err := newEngine(f).Run(context.Background(), warmSpec(20000, 20000))
	if err != nil || res.UpdateCalls != 1 || len(f.updates) != 3 {
		t.Fatalf("err %v, succeeded calls %d, attempts %d", err, res.UpdateCalls, len(f.updates))
	}
	f.updateErr = func(*dynamodb.UpdateTableInput) error {
		return &types.ResourceInUseException{Message: aws.String("Table is being updated")}
	}
	_, err = newEngine(f).Run(context.Background(), warmSpec(40000, 40000))
	var ue *UpdateError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an UpdateError after %d attempts", err, maxInUseRetries)
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	e := newEngine(f)

	_, err := e.Run(context.Background(), Spec{Table: "missing", Target: tp(1, 1)})
	var nf *tableinfo.NotFoundError
	if !errors.As(err, &nf) {
		t.Errorf("missing table: %v", err)
	}
	spec := warmSpec(10, 10)
	spec.Indexes = map[string]IndexSpec{"by_nothing": {}}
	_, err = e.Run(context.Background(), spec)
	var inf *IndexNotFoundError
	if !errors.As(err, &inf) || inf.Index != "by_nothing" || len(inf.Have) != 2 {
		t.Errorf("unknown index: %v", err)
	}
	if f.updateCount() != 0 {
		t.Errorf("UpdateTable called on errors")
	}
}

func TestSystemClockSleepHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (SystemClock{}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if err := (SystemClock{}).Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
}

// TestRunLogsItsLifecycle: a run tells its logger what it plans, each UpdateTable call and
// that it is done, with the table's name.
func TestRunLogsItsLifecycle(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	f := newFake(clock, onDemandWithGSIs())
	var buf bytes.Buffer
	e := newEngine(f)
	e.Logger = hclog.New(&hclog.LoggerOptions{Output: &buf, JSONFormat: true, Level: hclog.Info})
	if _, err := e.Run(context.Background(), warmSpec(20000, 10000)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for line := range bytes.Lines(buf.Bytes()) {
		var entry map[string]any
		if err := json.Unmarshal(line, &entry); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if entry["table_name"] == nil {
			t.Errorf("log line without table_name: %v", entry)
		}
		got = append(got, fmt.Sprint(entry["@message"]))
	}
	want := []string{"Pre-warm planned", "Calling UpdateTable", "Pre-warm done"}
	if !slices.Equal(got, want) {
		t.Errorf("logged %q, want %q", got, want)
	}
}
