package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	fwtypes "github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/prewarm"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// --- Provider unit tests: schema rules, plan decisions and diagnostics, without Terraform. ---

func prewarmSchema(ctx context.Context, t *testing.T) resource.SchemaResponse {
	t.Helper()
	var resp resource.SchemaResponse
	NewPrewarmResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp
}

// prewarmRaw builds a configuration value of the resource: every attribute null unless set.
func prewarmRaw(t *testing.T, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	s := prewarmSchema(context.Background(), t).Schema
	typ, ok := s.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := set[name]; ok {
			vals[name] = v
		}
	}
	return tftypes.NewValue(typ, vals)
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
func i64(n int64) tftypes.Value  { return tftypes.NewValue(tftypes.Number, n) }

func validatePrewarm(t *testing.T, set map[string]tftypes.Value) resource.ValidateConfigResponse {
	t.Helper()
	cfg := tfsdk.Config{Schema: prewarmSchema(context.Background(), t).Schema, Raw: prewarmRaw(t, set)}
	var resp resource.ValidateConfigResponse
	(&prewarmResource{}).ValidateConfig(context.Background(), resource.ValidateConfigRequest{Config: cfg}, &resp)
	return resp
}

func TestPrewarmValidateConfig(t *testing.T) {
	t.Parallel()
	base := func(extra map[string]tftypes.Value) map[string]tftypes.Value {
		m := map[string]tftypes.Value{"table_name": str("orders"), "read_units_per_second": i64(100), "write_units_per_second": i64(100)}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	sw := str("provisioned_switch")
	for _, tc := range []struct {
		name           string
		set            map[string]tftypes.Value
		errors, warns  int
		wantSubstrings []string
	}{
		{name: "warm defaults", set: base(nil)},
		{name: "switch defaults", set: base(map[string]tftypes.Value{"strategy": sw})},
		{name: "warm ignores switch settings", set: base(map[string]tftypes.Value{"hold_duration": str("1m"), "final_billing_mode": str("PAY_PER_REQUEST")}),
			warns: 2, wantSubstrings: []string{"Setting Ignored By warm_throughput"}},
		{name: "final PROVISIONED needs capacities", set: base(map[string]tftypes.Value{"strategy": sw, "final_billing_mode": str("PROVISIONED")}),
			errors: 2, wantSubstrings: []string{"Missing Final Capacity"}},
		{name: "final PROVISIONED with capacities", set: base(map[string]tftypes.Value{"strategy": sw, "final_billing_mode": str("PROVISIONED"),
			"final_read_capacity_units": i64(5), "final_write_capacity_units": i64(5)})},
		{name: "capacities without PROVISIONED", set: base(map[string]tftypes.Value{"strategy": sw, "final_read_capacity_units": i64(5)}),
			errors: 1, wantSubstrings: []string{"Final Capacity Without PROVISIONED"}},
		{name: "timeout shorter than the hold", set: base(map[string]tftypes.Value{"strategy": sw, "hold_duration": str("2h"),
			"timeouts": timeoutsValue(t, map[string]string{"create": "1h"})}),
			errors: 1, wantSubstrings: []string{"Timeout Shorter Than The Hold", "create timeout (1h0m0s)"}},
		{name: "default timeouts outlast any hold", set: base(map[string]tftypes.Value{"strategy": sw, "hold_duration": str("12h")})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := validatePrewarm(t, tc.set)
			if got := resp.Diagnostics.ErrorsCount(); got != tc.errors {
				t.Errorf("errors = %d, want %d: %v", got, tc.errors, resp.Diagnostics)
			}
			if got := resp.Diagnostics.WarningsCount(); got != tc.warns {
				t.Errorf("warnings = %d, want %d: %v", got, tc.warns, resp.Diagnostics)
			}
			text := fmt.Sprint(resp.Diagnostics)
			for _, s := range tc.wantSubstrings {
				if !strings.Contains(text, s) {
					t.Errorf("diagnostics lack %q: %s", s, text)
				}
			}
		})
	}
}

func timeoutsValue(t *testing.T, set map[string]string) tftypes.Value {
	t.Helper()
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"create": tftypes.String, "read": tftypes.String, "update": tftypes.String, "delete": tftypes.String}}
	vals := map[string]tftypes.Value{}
	for name := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(tftypes.String, nil)
		if v, ok := set[name]; ok {
			vals[name] = str(v)
		}
	}
	return tftypes.NewValue(typ, vals)
}

// prewarmState is a model as the state holds it after a warm_throughput run.
func prewarmState(ctx context.Context, t *testing.T, r, w int64) prewarmModel {
	t.Helper()
	gsiType, ok := prewarmSchema(ctx, t).Schema.Attributes["global_secondary_indexes"].GetType().(fwtypes.MapType)
	if !ok {
		t.Fatal("global_secondary_indexes is not a map")
	}
	res := &prewarm.Result{Strategy: prewarm.StrategyWarmThroughput, Actions: []string{"x"}, UpdateCalls: 1, StartedAt: time.Unix(0, 0)}
	return prewarmModel{
		ID: fwtypes.StringValue("orders"), TableName: fwtypes.StringValue("orders"), Strategy: fwtypes.StringValue("warm_throughput"),
		ReadUnits: fwtypes.Int64Value(r), WriteUnits: fwtypes.Int64Value(w), GSIs: fwtypes.MapNull(gsiType.ElemType),
		HoldDuration: fwtypes.StringValue("5m"), FinalBillingMode: fwtypes.StringValue("PAY_PER_REQUEST"),
		FinalReadCapacity: fwtypes.Int64Null(), FinalWriteCapacity: fwtypes.Int64Null(),
		Timeouts: timeouts.Value{Object: fwtypes.ObjectNull(map[string]attr.Type{
			"create": fwtypes.StringType, "read": fwtypes.StringType, "update": fwtypes.StringType, "delete": fwtypes.StringType,
		})},
		TableID: fwtypes.StringValue("id-1"), BillingMode: fwtypes.StringValue("PAY_PER_REQUEST"),
		WarmThroughput:    warmObject(&tableinfo.WarmThroughput{Throughput: tableinfo.Throughput{ReadUnits: r, WriteUnits: w}, Status: "ACTIVE"}),
		GSIWarmThroughput: fwtypes.MapNull(prewarmWarmObject),
		PlannedActions:    stringList([]string{"UpdateTable WarmThroughput: ..."}),
		HoldCapacityHours: fwtypes.ObjectNull(prewarmHoldTypes),
		LastRun:           lastRunObject(res),
	}
}

func TestPrewarmModifyPlanDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sch := prewarmSchema(ctx, t).Schema
	for _, tc := range []struct {
		name    string
		change  func(plan, state *prewarmModel)
		run     bool
		warning string
		actions string
	}{
		{name: "raised target runs", change: func(p, _ *prewarmModel) { p.WriteUnits = fwtypes.Int64Value(200) }, run: true},
		{name: "lowered target records only", change: func(p, _ *prewarmModel) { p.ReadUnits = fwtypes.Int64Value(50) },
			warning: "Targets Lowered: Nothing To Do", actions: "none: the targets were lowered"},
		{name: "strategy change runs", change: func(p, _ *prewarmModel) { p.Strategy = fwtypes.StringValue("provisioned_switch") }, run: true},
		{name: "hold change records only", change: func(p, _ *prewarmModel) { p.HoldDuration = fwtypes.StringValue("1m") },
			actions: "none: only settings of how a run goes changed"},
		// Refresh cleared last_run; the proposed plan carries the same null, so plan equals state.
		{name: "recreated table runs", change: func(p, s *prewarmModel) {
			s.LastRun = fwtypes.ObjectNull(prewarmRunTypes)
			p.LastRun = s.LastRun
		}, run: true},
		{name: "nothing changed", change: func(*prewarmModel, *prewarmModel) {}, actions: "UpdateTable WarmThroughput"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			state, plan := prewarmState(ctx, t, 100, 100), prewarmState(ctx, t, 100, 100)
			tc.change(&plan, &state)
			st := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
			if d := st.Set(ctx, &state); d.HasError() {
				t.Fatal(d)
			}
			pl := tfsdk.Plan{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
			if d := pl.Set(ctx, &plan); d.HasError() {
				t.Fatal(d)
			}
			resp := resource.ModifyPlanResponse{Plan: pl}
			(&prewarmResource{}).ModifyPlan(ctx, resource.ModifyPlanRequest{State: st, Plan: pl}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			var got prewarmModel
			if d := resp.Plan.Get(ctx, &got); d.HasError() {
				t.Fatal(d)
			}
			if got.LastRun.IsUnknown() != tc.run {
				t.Fatalf("run planned = %v, want %v", got.LastRun.IsUnknown(), tc.run)
			}
			if !tc.run {
				if !got.LastRun.Equal(state.LastRun) || !got.TableID.Equal(state.TableID) || !got.WarmThroughput.Equal(state.WarmThroughput) {
					t.Errorf("computed values not kept from state: %+v", got)
				}
				if !strings.Contains(got.PlannedActions.String(), tc.actions) {
					t.Errorf("planned_actions = %v, want %q", got.PlannedActions, tc.actions)
				}
			}
			if text := fmt.Sprint(resp.Diagnostics); (tc.warning == "") != (resp.Diagnostics.WarningsCount() == 0) || !strings.Contains(text, tc.warning) {
				t.Errorf("diagnostics = %s, want warning %q", text, tc.warning)
			}
		})
	}
}

func TestPrewarmErrorDiag(t *testing.T) {
	t.Parallel()
	spec := prewarm.Spec{Table: "orders"}
	safe := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	// A result that raised the table to the peak and stopped there.
	f := &fakePrewarmAPI{}
	atPeak, _ := (&prewarm.Engine{API: f, Clock: &stepClock{}}).Run(context.Background(),
		prewarm.Spec{Table: "orders", Strategy: prewarm.StrategyProvisionedSwitch, Target: tableinfo.Throughput{ReadUnits: 10, WriteUnits: 20}, Hold: -1})
	if !atPeak.LeftAtPeak() {
		t.Fatalf("fixture: result %+v", atPeak)
	}
	for _, tc := range []struct {
		err     error
		res     *prewarm.Result
		summary string
		detail  []string
	}{
		{&prewarm.SwitchRefusedError{Table: "orders", SafeAt: &safe, Err: errors.New("LimitExceededException")}, atPeak,
			"Switch To On-Demand Refused", []string{"at most 4 switches", "2026-11-21T08:00:00Z", "still PROVISIONED at the peak (table orders 10 RCU / 20 WCU)", "LimitExceededException"}},
		{&prewarm.WaitError{Table: "orders", For: "the table to be ACTIVE", Last: "table UPDATING", Err: context.DeadlineExceeded}, &prewarm.Result{},
			"Pre-Warm Timed Out", []string{"the table to be ACTIVE", "Last seen: table UPDATING", "raise the timeouts"}},
		{&prewarm.WaitError{Table: "orders", For: "x", Err: context.Canceled}, &prewarm.Result{}, "Pre-Warm Interrupted", nil},
		{&prewarm.WarmThroughputNotReportedError{Table: "orders"}, &prewarm.Result{}, "Warm Throughput Not Supported By The Endpoint",
			[]string{"provisioned_switch"}},
		{&prewarm.UpdateError{Table: "orders", Step: prewarm.StepUpdateWarmThroughput, Err: errors.New("AccessDenied")}, &prewarm.Result{},
			"UpdateTable Failed", []string{"dynamodb:UpdateTable", "update_warm_throughput", "AccessDenied"}},
		{&prewarm.IndexNotFoundError{Table: "orders", Index: "by_x", Have: []string{"by_status"}}, &prewarm.Result{},
			"Unknown Global Secondary Index", []string{`no global secondary index "by_x"`, "by_status"}},
		{&tableinfo.NotFoundError{Table: "orders", Err: errors.New("nope")}, nil, "Table Not Found", nil},
	} {
		d := prewarmErrorDiag(spec, tc.res, tc.err)
		if d.Summary() != tc.summary {
			t.Errorf("%T: summary %q, want %q", tc.err, d.Summary(), tc.summary)
		}
		for _, s := range tc.detail {
			if !strings.Contains(d.Detail(), s) {
				t.Errorf("%T: detail lacks %q:\n%s", tc.err, s, d.Detail())
			}
		}
	}
}

// fakePrewarmAPI is an on-demand table without GSIs whose final switch never gets through,
// for a result that stopped at the peak.
type fakePrewarmAPI struct {
	billing string
	prov    int64
}

func (f *fakePrewarmAPI) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	mode := f.billing
	if mode == "" {
		mode = "PAY_PER_REQUEST"
	}
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{
		TableName: aws.String("orders"), TableStatus: types.TableStatusActive,
		BillingModeSummary:    &types.BillingModeSummary{BillingMode: types.BillingMode(mode)},
		ProvisionedThroughput: &types.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(f.prov), WriteCapacityUnits: aws.Int64(f.prov * 2)},
	}}, nil
}

func (f *fakePrewarmAPI) UpdateTable(_ context.Context, in *dynamodb.UpdateTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	if in.BillingMode == types.BillingModePayPerRequest {
		return nil, errors.New("connection reset")
	}
	f.billing, f.prov = "PROVISIONED", aws.ToInt64(in.ProvisionedThroughput.ReadCapacityUnits)
	return &dynamodb.UpdateTableOutput{}, nil
}

// stepClock advances only when slept on.
type stepClock struct{ now time.Time }

func (c *stepClock) Now() time.Time { return c.now }
func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	c.now = c.now.Add(d)
	return ctx.Err()
}

// --- Acceptance tests (TF_ACC=1): real Terraform or OpenTofu against dynalite and the simulator. ---

// tableObserver polls DescribeTable from a goroutine while an apply runs, to see the table
// during the hold.
type tableObserver struct {
	stop, done chan struct{}
	once       sync.Once
	mu         sync.Mutex
	seen       []*types.TableDescription
}

func observeTable(t *testing.T, client *dynamodb.Client, table string) *tableObserver {
	o := &tableObserver{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(o.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-o.stop:
				return
			case <-tick.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
			cancel()
			if err == nil {
				o.mu.Lock()
				o.seen = append(o.seen, out.Table)
				o.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { o.Stop() })
	return o
}

// Stop ends the polling and returns every description seen.
func (o *tableObserver) Stop() []*types.TableDescription {
	o.once.Do(func() { close(o.stop) })
	<-o.done
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.seen
}

type capacity struct{ read, write int64 }

func provisionedOf(d *types.ProvisionedThroughputDescription) capacity {
	if d == nil {
		return capacity{}
	}
	return capacity{aws.ToInt64(d.ReadCapacityUnits), aws.ToInt64(d.WriteCapacityUnits)}
}

// atCapacity reports whether a description shows the table PROVISIONED and ACTIVE with the
// table ("") and each GSI at the given capacity.
func atCapacity(d *types.TableDescription, want map[string]capacity) bool {
	// Without a BillingModeSummary a table is PROVISIONED (dynalite reports none for a table created so).
	provisioned := d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode == types.BillingModeProvisioned
	if !provisioned || d.TableStatus != types.TableStatusActive || provisionedOf(d.ProvisionedThroughput) != want[""] {
		return false
	}
	for _, g := range d.GlobalSecondaryIndexes {
		if g.IndexStatus != types.IndexStatusActive || provisionedOf(g.ProvisionedThroughput) != want[aws.ToString(g.IndexName)] {
			return false
		}
	}
	return true
}

func describeAcc(client *dynamodb.Client, table string) (*types.TableDescription, error) {
	out, err := client.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		return nil, err
	}
	return out.Table, nil
}

func billingModeIs(client *dynamodb.Client, table string, mode types.BillingMode) acc.TestCheckFunc {
	return func(*terraform.State) error {
		d, err := describeAcc(client, table)
		if err != nil {
			return err
		}
		if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != mode || d.TableStatus != types.TableStatusActive {
			return fmt.Errorf("table %s is %s %+v, want %s ACTIVE", table, d.TableStatus, d.BillingModeSummary, mode)
		}
		return nil
	}
}

func prewarmResourceConfig(table, body string) string {
	return fmt.Sprintf(`
resource "ddbload_prewarm" "t" {
  table_name = %q
%s
}
`, table, body)
}

const prewarmAddr = "ddbload_prewarm.t"

func run(name string) tfjsonpath.Path { return tfjsonpath.New("last_run").AtMapKey(name) }

func TestAccPrewarm_provisionedSwitch(t *testing.T) {
	table := uniqueName(t)
	spec := devstack.WithGSIs(table)
	spec.OnDemand = true
	cfg := func(read, write int64) string {
		return testAccConfig(prewarmResourceConfig(table, fmt.Sprintf(`
  strategy               = "provisioned_switch"
  read_units_per_second  = %d
  write_units_per_second = %d
  hold_duration          = "2s"
  global_secondary_indexes = {
    by_owner = { read_units_per_second = 50, write_units_per_second = 60 }
  }`, read, write)))
	}
	var obs *tableObserver
	var lastSwitch time.Time
	tableID := statecheck.CompareValue(compare.ValuesDiffer())

	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, spec) },
		Steps: []acc.TestStep{
			{
				PreConfig: func() { obs = observeTable(t, accClient, table) },
				Config:    cfg(300, 200),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("planned_actions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("UpdateTable BillingMode PAY_PER_REQUEST → PROVISIONED: table " + table + " at 300 RCU / 200 WCU; " +
							"GSI by_status at 300 RCU / 200 WCU; GSI by_owner at 50 RCU / 60 WCU"),
						knownvalue.StringExact("wait until the table and every GSI is ACTIVE at the peak capacity"),
						knownvalue.StringRegexp(regexp.MustCompile(`^hold 2s at the peak: about 0\.4 RCU-hours and 0\.3 WCU-hours billed`)),
						knownvalue.StringRegexp(regexp.MustCompile(`^UpdateTable BillingMode PROVISIONED → PAY_PER_REQUEST`)),
						knownvalue.StringExact("wait until the table and every GSI is ACTIVE on-demand"),
					})),
					// (300 + 300 + 50) RCU and (200 + 200 + 60) WCU for 2 s.
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("hold_capacity_unit_hours"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"read": knownvalue.Float64Exact(0.4), "write": knownvalue.Float64Exact(0.3),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("billing_mode"), knownvalue.StringExact("PAY_PER_REQUEST")),
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(prewarmAddr, run("strategy"), knownvalue.StringExact("provisioned_switch")),
					statecheck.ExpectKnownValue(prewarmAddr, run("billing_mode"), knownvalue.StringExact("PAY_PER_REQUEST")),
					statecheck.ExpectKnownValue(prewarmAddr, run("hold_started_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					statecheck.ExpectKnownValue(prewarmAddr, run("actions"), knownvalue.ListSizeExact(5)),
					tableID.AddStateValue(prewarmAddr, tfjsonpath.New("table_id")),
				},
				Check: acc.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						want := map[string]capacity{"": {300, 200}, "by_status": {300, 200}, "by_owner": {50, 60}}
						seen := obs.Stop()
						for _, d := range seen {
							if atCapacity(d, want) {
								return nil
							}
						}
						return fmt.Errorf("in %d descriptions during the apply, none showed the table and its GSIs PROVISIONED and ACTIVE at %v", len(seen), want)
					},
					billingModeIs(accClient, table, types.BillingModePayPerRequest),
					func(*terraform.State) error {
						d, err := describeAcc(accClient, table)
						if err != nil {
							return err
						}
						lastSwitch = aws.ToTime(d.BillingModeSummary.LastUpdateToPayPerRequestDateTime)
						return nil
					},
				),
			},
			{
				// Same settings: an empty plan, so no UpdateTable.
				Config:           cfg(300, 200),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Lower targets: an in-place update that makes no call.
				Config: cfg(100, 100),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("planned_actions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`^none: the targets were lowered`)),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(2)),
				},
				Check: func(*terraform.State) error {
					d, err := describeAcc(accClient, table)
					if err != nil {
						return err
					}
					if got := aws.ToTime(d.BillingModeSummary.LastUpdateToPayPerRequestDateTime); !got.Equal(lastSwitch) {
						return fmt.Errorf("the table switched again (last switch %v, was %v)", got, lastSwitch)
					}
					return nil
				},
			},
			{
				// The table is deleted and created again: refresh shows it, apply pre-warms the new one.
				PreConfig: func() {
					ctx := context.Background()
					if err := devstack.DeleteTable(ctx, accClient, table); err != nil {
						t.Fatal(err)
					}
					if err := devstack.CreateTable(ctx, accClient, spec); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(100, 100),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(2)),
					tableID.AddStateValue(prewarmAddr, tfjsonpath.New("table_id")),
				},
				Check: billingModeIs(accClient, table, types.BillingModePayPerRequest),
			},
		},
	})
}

// TestAccPrewarm_provisionedSwitchRaisedAgain: raising a target pre-warms again, so a table
// that already went PAY_PER_REQUEST → PROVISIONED → PAY_PER_REQUEST switches a second time, with
// the unchanged GSI target sent again. DynamoDB reports an on-demand table's GSIs at 0 RCU / 0
// WCU, so that update is a change; DynamoDB Local keeps reporting the GSI's last provisioned
// capacity and refuses it as unchanged, so this test needs dynalite.
func TestAccPrewarm_provisionedSwitchRaisedAgain(t *testing.T) {
	skipUnlessServer(t, devstack.DynaliteName,
		"reports an on-demand table's GSIs at 0 RCU / 0 WCU after a switch back to PAY_PER_REQUEST, as DynamoDB does "+
			"(DynamoDB Local keeps their last provisioned capacity and refuses the next switch at that capacity as unchanged)")
	table := uniqueName(t)
	spec := devstack.WithGSIs(table)
	spec.OnDemand = true
	cfg := func(read int64) string {
		return testAccConfig(prewarmResourceConfig(table, fmt.Sprintf(`
  strategy               = "provisioned_switch"
  read_units_per_second  = %d
  write_units_per_second = 200
  hold_duration          = "0s"
  global_secondary_indexes = {
    by_owner = { read_units_per_second = 50, write_units_per_second = 60 }
  }`, read)))
	}
	// switched is when the table last went PAY_PER_REQUEST: created so, then each switch back.
	var switched time.Time
	lastSwitch := func() (time.Time, error) {
		d, err := describeAcc(accClient, table)
		if err != nil {
			return time.Time{}, err
		}
		s := d.BillingModeSummary
		if s == nil || s.BillingMode != types.BillingModePayPerRequest || d.TableStatus != types.TableStatusActive {
			return time.Time{}, fmt.Errorf("table %s is %s %+v, want PAY_PER_REQUEST ACTIVE", table, d.TableStatus, s)
		}
		return aws.ToTime(s.LastUpdateToPayPerRequestDateTime), nil
	}
	// switchedAgain checks that the table is back on-demand after a switch later than the last.
	switchedAgain := func(*terraform.State) error {
		at, err := lastSwitch()
		if err != nil {
			return err
		}
		if !at.After(switched) {
			return fmt.Errorf("the table did not switch to on-demand again (last switch %v, the one before %v)", at, switched)
		}
		switched = at
		return nil
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck: func() {
			createTable(t, spec)
			var err error
			if switched, err = lastSwitch(); err != nil {
				t.Fatal(err)
			}
		},
		Steps: []acc.TestStep{
			{
				Config: cfg(300),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(2)),
				},
				Check: switchedAgain,
			},
			{
				// A raised target: the same switch again, GSI by_owner at the same 50 / 60.
				Config: cfg(400),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("planned_actions"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringExact("UpdateTable BillingMode PAY_PER_REQUEST → PROVISIONED: table " + table + " at 400 RCU / 200 WCU; " +
							"GSI by_status at 400 RCU / 200 WCU; GSI by_owner at 50 RCU / 60 WCU"),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(prewarmAddr, run("billing_mode"), knownvalue.StringExact("PAY_PER_REQUEST")),
				},
				Check: switchedAgain,
			},
		},
	})
}

func TestAccPrewarm_provisionedSwitchToSteadyCapacity(t *testing.T) {
	table := uniqueName(t)
	spec := devstack.WithGSIs(table) // PROVISIONED at 5 RCU / 5 WCU, GSIs too
	body := `
  strategy                   = "provisioned_switch"
  read_units_per_second      = 100
  write_units_per_second     = 80
  hold_duration              = "0s"
  final_billing_mode         = "PROVISIONED"
  final_read_capacity_units  = 10
  final_write_capacity_units = 10
  global_secondary_indexes = {
    %s = { final_read_capacity_units = 7, final_write_capacity_units = 8 }
  }`
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, spec) },
		Steps: []acc.TestStep{
			{
				Config:      testAccConfig(prewarmResourceConfig(table, fmt.Sprintf(body, "by_nothing"))),
				ExpectError: regexp.MustCompile(`(?s)Unknown Global Secondary Index.*"by_nothing".*Its GSIs are: by_status, by_owner`),
			},
			{
				Config: testAccConfig(prewarmResourceConfig(table, fmt.Sprintf(body, "by_status"))),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("hold_capacity_unit_hours"), knownvalue.Null()),
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("planned_actions"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringRegexp(regexp.MustCompile(`^UpdateTable ProvisionedThroughput \(already PROVISIONED\): table \S+ 5 RCU / 5 WCU → 100 RCU / 80 WCU`)),
						2: knownvalue.StringRegexp(regexp.MustCompile(`^UpdateTable ProvisionedThroughput to the steady capacity: .*GSI by_status 100 RCU / 80 WCU → 7 RCU / 8 WCU`)),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(prewarmAddr, run("hold_started_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("billing_mode"), knownvalue.StringExact("PROVISIONED")),
				},
				Check: func(*terraform.State) error {
					d, err := describeAcc(accClient, table)
					if err != nil {
						return err
					}
					if want := map[string]capacity{"": {10, 10}, "by_status": {7, 8}, "by_owner": {10, 10}}; !atCapacity(d, want) {
						got := map[string]capacity{"": provisionedOf(d.ProvisionedThroughput)}
						for _, g := range d.GlobalSecondaryIndexes {
							got[aws.ToString(g.IndexName)] = provisionedOf(g.ProvisionedThroughput)
						}
						return fmt.Errorf("table %s %v, want PROVISIONED ACTIVE at %v", d.TableStatus, got, want)
					}
					return nil
				},
			},
		},
	})
}

func TestAccPrewarm_warmThroughput(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("Acceptance tests skipped unless env 'TF_ACC' set")
	}
	table := uniqueName(t)
	// The simulator implements warm throughput (UPDATING for a second, then ACTIVE) in front of
	// dynalite, which does not; the provider talks to the simulator.
	s, endpoint, err := sim.Start(sim.Config{Backend: accEndpoint, Tables: map[string]sim.TableConfig{"*": {WarmUpdateDelay: time.Second}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	client := devstack.NewClient(endpoint)
	spec := devstack.WithGSIs(table)
	spec.OnDemand = true
	// Tables are created and deleted through the simulator, so it forgets a deleted table's
	// warm throughput like DynamoDB does.
	createSimTable := func() {
		if err := devstack.CreateTable(context.Background(), client, spec); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if err := devstack.DeleteTable(context.Background(), client, table); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})

	updates := func(want int64) acc.TestCheckFunc {
		return func(*terraform.State) error {
			if got := s.Stats().Operations["UpdateTable"]; got != want {
				return fmt.Errorf("the simulator saw %d UpdateTable calls, want %d", got, want)
			}
			return nil
		}
	}
	cfg := func(read, write int64, gsis string) string {
		return testAccProviderBlock(fmt.Sprintf(`
  region     = %q
  endpoint   = %q
  access_key = %q
  secret_key = %q
`, devstack.Region, endpoint, devstack.AccessKeyID, devstack.SecretAccessKey)) + prewarmResourceConfig(table, fmt.Sprintf(`
  read_units_per_second  = %d
  write_units_per_second = %d
  global_secondary_indexes = {
%s
  }`, read, write, gsis))
	}
	warm := func(r, w int64) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"read_units_per_second": knownvalue.Int64Exact(r), "write_units_per_second": knownvalue.Int64Exact(w), "status": knownvalue.StringExact("ACTIVE"),
		})
	}
	gsiWarm := func(status, owner knownvalue.Check) knownvalue.Check {
		return knownvalue.MapExact(map[string]knownvalue.Check{"by_status": status, "by_owner": owner})
	}
	tableID := statecheck.CompareValue(compare.ValuesDiffer())
	owner := `    by_owner = { write_units_per_second = 5000 }`
	ownerAndStatus := owner + `
    by_status = { write_units_per_second = 9000 }`

	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 createSimTable,
		Steps: []acc.TestStep{
			{
				Config: cfg(12000, 8000, owner),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("planned_actions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("UpdateTable WarmThroughput: table " + table + " read 3,000 → 12,000, write 1,000 → 8,000 units/s; " +
							"GSI by_status read 3,000 → 12,000, write 1,000 → 8,000 units/s; GSI by_owner read 3,000 → 12,000, write 1,000 → 5,000 units/s"),
						knownvalue.StringExact("wait until DescribeTable reports that warm throughput ACTIVE"),
					})),
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("hold_capacity_unit_hours"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("warm_throughput"), warm(12000, 8000)),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("global_secondary_index_warm_throughput"), gsiWarm(warm(12000, 8000), warm(12000, 5000))),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("billing_mode"), knownvalue.StringExact("PAY_PER_REQUEST")),
					statecheck.ExpectKnownValue(prewarmAddr, run("strategy"), knownvalue.StringExact("warm_throughput")),
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(prewarmAddr, run("warm_throughput"), warm(12000, 8000)),
					statecheck.ExpectKnownValue(prewarmAddr, run("hold_started_at"), knownvalue.Null()),
					tableID.AddStateValue(prewarmAddr, tfjsonpath.New("table_id")),
				},
				Check: updates(1),
			},
			{
				// Same settings: an empty plan and no UpdateTable.
				Config:           cfg(12000, 8000, owner),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            updates(1),
			},
			{
				// Lower targets: an in-place update (no replacement), no UpdateTable, warm throughput unchanged.
				Config: cfg(6000, 6000, owner),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("warm_throughput"), warm(12000, 8000)),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("planned_actions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`^none: the targets were lowered`)),
					})),
				},
				Check: updates(1),
			},
			{
				// One GSI's target raised: one UpdateTable for that index only.
				Config: cfg(6000, 6000, ownerAndStatus),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("planned_actions"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringExact("UpdateTable WarmThroughput: GSI by_status write 8,000 → 9,000 units/s"),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("global_secondary_index_warm_throughput"), gsiWarm(warm(12000, 9000), warm(12000, 5000))),
					statecheck.ExpectKnownValue(prewarmAddr, run("update_table_calls"), knownvalue.Int64Exact(1)),
				},
				Check: updates(2),
			},
			{
				// The table is deleted and created again: refresh shows it, apply pre-warms the new one.
				PreConfig: func() {
					if err := devstack.DeleteTable(context.Background(), client, table); err != nil {
						t.Fatal(err)
					}
					createSimTable()
				},
				Config: cfg(6000, 6000, ownerAndStatus),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(prewarmAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("warm_throughput"), warm(6000, 6000)),
					statecheck.ExpectKnownValue(prewarmAddr, tfjsonpath.New("global_secondary_index_warm_throughput"), gsiWarm(warm(6000, 9000), warm(6000, 5000))),
					tableID.AddStateValue(prewarmAddr, tfjsonpath.New("table_id")),
				},
				Check: updates(3),
			},
		},
	})
}

func TestPrewarmQuotaWarningWithoutTable(t *testing.T) {
	t.Parallel()
	var resp resource.ModifyPlanResponse
	warnQuotaFromSpec(prewarm.Spec{Target: tableinfo.Throughput{WriteUnits: 50000, ReadUnits: 100},
		Indexes: map[string]prewarm.IndexSpec{"by_status": {Target: tableinfo.Throughput{ReadUnits: 45000}}}}, &resp)
	if len(resp.Diagnostics) != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	if d := resp.Diagnostics[0].Detail(); !strings.Contains(d, "the table (100 RCU, 50000 WCU)") || !strings.Contains(d, "index by_status") {
		t.Fatalf("warning detail %q", d)
	}
	resp = resource.ModifyPlanResponse{}
	warnQuotaFromSpec(prewarm.Spec{Target: tableinfo.Throughput{WriteUnits: 40000}}, &resp)
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("40,000 is within the quota: %v", resp.Diagnostics)
	}
}

// TestPrewarmTargetsKnownLooksInsideIndexes: an unknown target of one index (a value from
// another resource) must defer the plan, not read as "use the table's target".
func TestPrewarmTargetsKnownLooksInsideIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	gsiType := fwtypes.ObjectType{AttrTypes: map[string]attr.Type{
		"read_units_per_second": fwtypes.Int64Type, "write_units_per_second": fwtypes.Int64Type,
		"final_read_capacity_units": fwtypes.Int64Type, "final_write_capacity_units": fwtypes.Int64Type,
	}}
	gsi := func(write fwtypes.Int64) fwtypes.Map {
		obj := fwtypes.ObjectValueMust(gsiType.AttrTypes, map[string]attr.Value{
			"read_units_per_second": fwtypes.Int64Null(), "write_units_per_second": write,
			"final_read_capacity_units": fwtypes.Int64Null(), "final_write_capacity_units": fwtypes.Int64Null(),
		})
		return fwtypes.MapValueMust(gsiType, map[string]attr.Value{"by_status": obj})
	}
	m := prewarmModel{GSIs: gsi(fwtypes.Int64Value(5000))}
	if !m.targetsKnown(ctx) {
		t.Fatal("known targets reported unknown")
	}
	m.GSIs = gsi(fwtypes.Int64Unknown())
	if m.targetsKnown(ctx) {
		t.Fatal("an unknown index target must make the targets unknown")
	}
}
