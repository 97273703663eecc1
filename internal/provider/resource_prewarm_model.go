package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/prewarm"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// prewarmModel is ddbload_prewarm's configuration, plan and state.
type prewarmModel struct {
	ID                 types.String   `tfsdk:"id"`
	TableName          types.String   `tfsdk:"table_name"`
	Strategy           types.String   `tfsdk:"strategy"`
	ReadUnits          types.Int64    `tfsdk:"read_units_per_second"`
	WriteUnits         types.Int64    `tfsdk:"write_units_per_second"`
	GSIs               types.Map      `tfsdk:"global_secondary_indexes"`
	HoldDuration       types.String   `tfsdk:"hold_duration"`
	FinalBillingMode   types.String   `tfsdk:"final_billing_mode"`
	FinalReadCapacity  types.Int64    `tfsdk:"final_read_capacity_units"`
	FinalWriteCapacity types.Int64    `tfsdk:"final_write_capacity_units"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
	TableID            types.String   `tfsdk:"table_id"`
	BillingMode        types.String   `tfsdk:"billing_mode"`
	WarmThroughput     types.Object   `tfsdk:"warm_throughput"`
	GSIWarmThroughput  types.Map      `tfsdk:"global_secondary_index_warm_throughput"`
	PlannedActions     types.List     `tfsdk:"planned_actions"`
	HoldCapacityHours  types.Object   `tfsdk:"hold_capacity_unit_hours"`
	LastRun            types.Object   `tfsdk:"last_run"`
}

type prewarmGSIModel struct {
	ReadUnits          types.Int64 `tfsdk:"read_units_per_second"`
	WriteUnits         types.Int64 `tfsdk:"write_units_per_second"`
	FinalReadCapacity  types.Int64 `tfsdk:"final_read_capacity_units"`
	FinalWriteCapacity types.Int64 `tfsdk:"final_write_capacity_units"`
}

var (
	prewarmWarmTypes = map[string]attr.Type{
		"read_units_per_second":  types.Int64Type,
		"write_units_per_second": types.Int64Type,
		"status":                 types.StringType,
	}
	prewarmWarmObject = types.ObjectType{AttrTypes: prewarmWarmTypes}
	prewarmHoldTypes  = map[string]attr.Type{"read": types.Float64Type, "write": types.Float64Type}
	prewarmRunTypes   = map[string]attr.Type{
		"strategy":                               types.StringType,
		"actions":                                types.ListType{ElemType: types.StringType},
		"update_table_calls":                     types.Int64Type,
		"started_at":                             types.StringType,
		"completed_at":                           types.StringType,
		"hold_started_at":                        types.StringType,
		"hold_ended_at":                          types.StringType,
		"billing_mode":                           types.StringType,
		"warm_throughput":                        prewarmWarmObject,
		"global_secondary_index_warm_throughput": types.MapType{ElemType: prewarmWarmObject},
	}
)

// gsiTargets reads the per-GSI settings; nil when unset or unknown.
func (m *prewarmModel) gsiTargets(ctx context.Context) (map[string]prewarmGSIModel, diag.Diagnostics) {
	if m.GSIs.IsNull() || m.GSIs.IsUnknown() {
		return nil, nil
	}
	out := map[string]prewarmGSIModel{}
	diags := m.GSIs.ElementsAs(ctx, &out, false)
	return out, diags
}

// hold is hold_duration; known is false when it is unknown or unset.
func (m *prewarmModel) hold() (d time.Duration, known bool) {
	if m.HoldDuration.IsNull() || m.HoldDuration.IsUnknown() {
		return 0, false
	}
	d, err := time.ParseDuration(m.HoldDuration.ValueString())
	return d, err == nil
}

// targetsKnown reports whether everything that shapes a run is known, including every value
// nested in the per-index targets (an unknown one must not read as "use the table's").
func (m *prewarmModel) targetsKnown(ctx context.Context) bool {
	for _, v := range []attr.Value{m.TableName, m.Strategy, m.ReadUnits, m.WriteUnits, m.GSIs, m.HoldDuration,
		m.FinalBillingMode, m.FinalReadCapacity, m.FinalWriteCapacity} {
		if !fullyKnown(ctx, v) {
			return false
		}
	}
	return true
}

// fullyKnown reports whether v and everything nested in it is known.
func fullyKnown(ctx context.Context, v attr.Value) bool {
	tv, err := v.ToTerraformValue(ctx)
	return err == nil && tv.IsFullyKnown()
}

// spec maps the model onto the engine's input.
func (m *prewarmModel) spec(ctx context.Context) (prewarm.Spec, diag.Diagnostics) {
	hold, _ := m.hold()
	s := prewarm.Spec{
		Table:            m.TableName.ValueString(),
		Strategy:         prewarm.Strategy(m.Strategy.ValueString()),
		Target:           tableinfo.Throughput{ReadUnits: m.ReadUnits.ValueInt64(), WriteUnits: m.WriteUnits.ValueInt64()},
		Hold:             hold,
		FinalBillingMode: m.FinalBillingMode.ValueString(),
		FinalCapacity:    tableinfo.Throughput{ReadUnits: m.FinalReadCapacity.ValueInt64(), WriteUnits: m.FinalWriteCapacity.ValueInt64()},
	}
	if s.Strategy == prewarm.StrategyWarmThroughput {
		// Switch-only settings must not make the engine reject a warm_throughput spec.
		s.FinalBillingMode, s.FinalCapacity = "", tableinfo.Throughput{}
	}
	gsis, diags := m.gsiTargets(ctx)
	if len(gsis) > 0 {
		s.Indexes = map[string]prewarm.IndexSpec{}
		for name, g := range gsis {
			ix := prewarm.IndexSpec{Target: tableinfo.Throughput{ReadUnits: g.ReadUnits.ValueInt64(), WriteUnits: g.WriteUnits.ValueInt64()}}
			if s.Strategy == prewarm.StrategyProvisionedSwitch {
				ix.FinalCapacity = tableinfo.Throughput{ReadUnits: g.FinalReadCapacity.ValueInt64(), WriteUnits: g.FinalWriteCapacity.ValueInt64()}
			}
			s.Indexes[name] = ix
		}
	}
	return s, diags
}

// effectiveTargets are the targets by component: "" for the table and for every GSI not
// named, the index name otherwise.
func effectiveTargets(s prewarm.Spec) map[string]tableinfo.Throughput {
	out := map[string]tableinfo.Throughput{"": s.Target}
	for name, ix := range s.Indexes {
		t := ix.Target
		if t.ReadUnits == 0 {
			t.ReadUnits = s.Target.ReadUnits
		}
		if t.WriteUnits == 0 {
			t.WriteUnits = s.Target.WriteUnits
		}
		out[name] = t
	}
	return out
}

// compareTargets says whether any target of next is above prior's (a run has work to do) and
// whether any is below (a lowering, which changes nothing).
func compareTargets(prior, next prewarm.Spec) (raised, lowered bool) {
	p, n := effectiveTargets(prior), effectiveTargets(next)
	get := func(m map[string]tableinfo.Throughput, k string) tableinfo.Throughput {
		if v, ok := m[k]; ok {
			return v
		}
		return m[""]
	}
	keys := map[string]bool{}
	for k := range p {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	for k := range keys {
		a, b := get(p, k), get(n, k)
		raised = raised || b.ReadUnits > a.ReadUnits || b.WriteUnits > a.WriteUnits
		lowered = lowered || b.ReadUnits < a.ReadUnits || b.WriteUnits < a.WriteUnits
	}
	return raised, lowered
}

func warmObject(w *tableinfo.WarmThroughput) types.Object {
	if w == nil {
		return types.ObjectNull(prewarmWarmTypes)
	}
	status := types.StringNull()
	if w.Status != "" {
		status = types.StringValue(w.Status)
	}
	return types.ObjectValueMust(prewarmWarmTypes, map[string]attr.Value{
		"read_units_per_second":  types.Int64Value(w.ReadUnits),
		"write_units_per_second": types.Int64Value(w.WriteUnits),
		"status":                 status,
	})
}

// gsiWarmMap is each GSI's warm throughput by name; null when no GSI reports one.
func gsiWarmMap(t *tableinfo.Table) types.Map {
	elems := map[string]attr.Value{}
	for _, g := range t.GlobalIndexes {
		if g.WarmThroughput != nil {
			elems[g.Name] = warmObject(g.WarmThroughput)
		}
	}
	if len(elems) == 0 {
		return types.MapNull(prewarmWarmObject)
	}
	return types.MapValueMust(prewarmWarmObject, elems)
}

// setCurrent records what DescribeTable says about the table now.
func (m *prewarmModel) setCurrent(s *prewarm.Snapshot) {
	m.BillingMode = types.StringValue(s.BillingMode)
	m.WarmThroughput = warmObject(s.WarmThroughput)
	m.GSIWarmThroughput = gsiWarmMap(s.Table)
}

func stringList(items []string) types.List {
	elems := make([]attr.Value, 0, len(items))
	for _, s := range items {
		elems = append(elems, types.StringValue(s))
	}
	return types.ListValueMust(types.StringType, elems)
}

func timeValue(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func holdHoursObject(p *prewarm.Plan) types.Object {
	if p == nil || p.Hold <= 0 {
		return types.ObjectNull(prewarmHoldTypes)
	}
	return types.ObjectValueMust(prewarmHoldTypes, map[string]attr.Value{
		"read":  types.Float64Value(roundTo(p.HoldCapacityHours.Read, 1)),
		"write": types.Float64Value(roundTo(p.HoldCapacityHours.Write, 1)),
	})
}

func plannedActions(p *prewarm.Plan) types.List {
	return stringList(p.Actions())
}

// lastRunObject records a finished run.
func lastRunObject(res *prewarm.Result) types.Object {
	billing, warm, gsiWarm := types.StringNull(), types.ObjectNull(prewarmWarmTypes), types.MapNull(prewarmWarmObject)
	if res.Final != nil {
		billing, warm, gsiWarm = types.StringValue(res.Final.BillingMode), warmObject(res.Final.WarmThroughput), gsiWarmMap(res.Final.Table)
	}
	actions := res.Actions
	if actions == nil {
		actions = []string{}
	}
	return types.ObjectValueMust(prewarmRunTypes, map[string]attr.Value{
		"strategy":                               types.StringValue(string(res.Strategy)),
		"actions":                                stringList(actions),
		"update_table_calls":                     types.Int64Value(int64(res.UpdateCalls)),
		"started_at":                             timeValue(res.StartedAt),
		"completed_at":                           timeValue(res.CompletedAt),
		"hold_started_at":                        timeValue(res.HoldStartedAt),
		"hold_ended_at":                          timeValue(res.HoldEndedAt),
		"billing_mode":                           billing,
		"warm_throughput":                        warm,
		"global_secondary_index_warm_throughput": gsiWarm,
	})
}

// copyComputed takes every computed value from the prior state.
func (m *prewarmModel) copyComputed(prior *prewarmModel) {
	m.ID, m.TableID, m.BillingMode = prior.ID, prior.TableID, prior.BillingMode
	m.WarmThroughput, m.GSIWarmThroughput = prior.WarmThroughput, prior.GSIWarmThroughput
	m.PlannedActions, m.HoldCapacityHours, m.LastRun = prior.PlannedActions, prior.HoldCapacityHours, prior.LastRun
}

// markRun makes the values a run produces unknown in the plan.
func (m *prewarmModel) markRun() {
	m.TableID, m.BillingMode = types.StringUnknown(), types.StringUnknown()
	m.WarmThroughput, m.GSIWarmThroughput = types.ObjectUnknown(prewarmWarmTypes), types.MapUnknown(prewarmWarmObject)
	m.PlannedActions, m.HoldCapacityHours = types.ListUnknown(types.StringType), types.ObjectUnknown(prewarmHoldTypes)
	m.LastRun = types.ObjectUnknown(prewarmRunTypes)
}
