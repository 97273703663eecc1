package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/prewarm"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

func (r *prewarmResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m prewarmModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	hold, _ := m.hold()
	timeout, diags := m.Timeouts.Create(ctx, prewarmBaseTimeout+hold)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	m.ID = m.TableName
	res, diags := r.run(ctx, &m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() && (res == nil || res.UpdateCalls == 0) {
		return // nothing changed: no state
	}
	// Also after an error once the table was changed: the state records what was done (and
	// Terraform marks it tainted, so the next apply runs again).
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *prewarmResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m prewarmModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.LastRun.IsUnknown() {
		// The plan decided that nothing needs to run (lowered targets, settings only).
		tflog.Info(ctx, "No pre-warm needed; recording the new settings", map[string]any{"table_name": m.TableName.ValueString()})
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	hold, _ := m.hold()
	timeout, diags := m.Timeouts.Update(ctx, prewarmBaseTimeout+hold)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	_, diags = r.run(ctx, &m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return // the prior state stays, so the next plan runs again
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// run carries out a pre-warm and fills in m's computed values from what it did.
func (r *prewarmResource) run(ctx context.Context, m *prewarmModel) (*prewarm.Result, diag.Diagnostics) {
	var diags diag.Diagnostics
	spec, d := m.spec(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	client, d := r.data.dynamoClient(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	engine := &prewarm.Engine{API: client, Clock: r.clock, PollMin: r.pollMin, PollMax: r.pollMax,
		Logger: newTFLogger(ctx)}
	res, err := engine.Run(ctx, spec)
	if res.Plan != nil && m.PlannedActions.IsUnknown() {
		m.PlannedActions, m.HoldCapacityHours = plannedActions(res.Plan), holdHoursObject(res.Plan)
	}
	if m.PlannedActions.IsUnknown() {
		m.PlannedActions = types.ListNull(types.StringType)
	}
	if m.HoldCapacityHours.IsUnknown() {
		m.HoldCapacityHours = types.ObjectNull(prewarmHoldTypes)
	}
	m.LastRun = lastRunObject(res)
	if res.Final != nil {
		m.TableID = types.StringValue(res.Final.ID)
		m.setCurrent(res.Final)
	} else {
		m.TableID, m.BillingMode = types.StringNull(), types.StringNull()
		m.WarmThroughput, m.GSIWarmThroughput = types.ObjectNull(prewarmWarmTypes), types.MapNull(prewarmWarmObject)
	}
	if err != nil {
		diags.Append(prewarmErrorDiag(spec, res, err))
	}
	return res, diags
}

// Read reports the table's billing mode and warm throughput. A table recreated under the same
// name clears last_run, so the next plan pre-warms it again; a missing table removes the
// resource from state.
func (r *prewarmResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m prewarmModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Read(ctx, prewarmReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	client, diags := r.data.dynamoClient(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.TableName.ValueString()
	snap, err := prewarm.Describe(ctx, client, name)
	var nf *tableinfo.NotFoundError
	if errors.As(err, &nf) {
		tflog.Warn(ctx, "Table is gone; removing the pre-warm from state", map[string]any{"table_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(tableErrorDiag(name, err))
		return
	}
	m.setCurrent(snap)
	if was := m.TableID.ValueString(); was != "" && snap.ID != "" && was != snap.ID && !m.LastRun.IsNull() {
		resp.Diagnostics.AddWarning("Table Recreated Since The Pre-Warm",
			fmt.Sprintf("Table %q was deleted and created again since it was pre-warmed (table ID %s, now %s), so the pre-warm no "+
				"longer applies. The next apply pre-warms the new table.", name, was, snap.ID))
		m.LastRun = types.ObjectNull(prewarmRunTypes)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete makes no DynamoDB call: partitions never merge and warm throughput cannot be
// lowered, so there is nothing to undo.
func (r *prewarmResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var name types.String
	_ = req.State.GetAttribute(ctx, path.Root("table_name"), &name)
	tflog.Info(ctx, "Removing the pre-warm from state; the table keeps its capacity (no DynamoDB call)",
		map[string]any{"table_name": name.ValueString()})
}

func (r *prewarmResource) now() time.Time {
	if r.clock != nil {
		return r.clock.Now()
	}
	return time.Now()
}

// prewarmErrorDiag turns an engine error into a diagnostic: what was attempted, what the user
// can do, then the underlying error. A run that stopped with the table still provisioned at
// the peak says so, because that capacity is billed by the hour.
func prewarmErrorDiag(spec prewarm.Spec, res *prewarm.Result, err error) diag.Diagnostic {
	atPeak := ""
	if res != nil && res.LeftAtPeak() {
		atPeak = fmt.Sprintf("\n\nThe table is still PROVISIONED at the peak (%s), billed by the hour. Apply again to finish the "+
			"pre-warm (the resource is re-run), or change the billing mode yourself (console, CLI, or the aws provider).",
			res.Plan.PeakSummary())
	}
	var (
		nf  *tableinfo.NotFoundError
		inf *prewarm.IndexNotFoundError
		sr  *prewarm.SwitchRefusedError
		we  *prewarm.WaitError
		nr  *prewarm.WarmThroughputNotReportedError
		ue  *prewarm.UpdateError
		se  *prewarm.SpecError
	)
	switch {
	case errors.As(err, &nf):
		return tableErrorDiag(spec.Table, err)
	case errors.As(err, &inf):
		return diag.NewAttributeErrorDiagnostic(path.Root("global_secondary_indexes").AtMapKey(inf.Index), "Unknown Global Secondary Index",
			fmt.Sprintf("Table %q has no global secondary index %q. Its GSIs are: %s.", inf.Table, inf.Index, listOrNone(inf.Have)))
	case errors.As(err, &sr):
		safe := "after 24 hours without a switch to on-demand"
		if sr.SafeAt != nil {
			safe = "from " + sr.SafeAt.UTC().Format(time.RFC3339) + " at the latest (24 hours after its last switch)"
		}
		return diag.NewErrorDiagnostic("Switch To On-Demand Refused",
			fmt.Sprintf("DynamoDB refused to switch table %q back to PAY_PER_REQUEST. It allows at most %d switches from provisioned "+
				"to on-demand per table in any rolling 24 hours; this table has used them. The switch is allowed again %s.%s\n\n"+
				"To avoid this, apply provisioned_switch at most 4 times a day per table, or use strategy = \"warm_throughput\" "+
				"(no billing-mode change), or final_billing_mode = \"PROVISIONED\".\n\n%v", spec.Table, prewarm.MaxSwitchesToOnDemand, safe, atPeak, sr.Err))
	case errors.As(err, &we):
		summary := "Pre-Warm Interrupted"
		if errors.Is(err, context.DeadlineExceeded) {
			summary = "Pre-Warm Timed Out"
		}
		return diag.NewErrorDiagnostic(summary,
			fmt.Sprintf("The pre-warm of table %q stopped while waiting for %s. Last seen: %s. DynamoDB may still be applying the "+
				"last update; raise the timeouts (create/update) if the table needs longer, and apply again.%s\n\n%v",
				spec.Table, we.For, orText(we.Last, "nothing"), atPeak, err))
	case errors.As(err, &nr):
		return diag.NewErrorDiagnostic("Warm Throughput Not Supported By The Endpoint",
			fmt.Sprintf("%v. Local servers such as dynalite and DynamoDB Local do not implement warm throughput; against them use "+
				"strategy = \"provisioned_switch\".", err))
	case errors.As(err, &ue):
		return diag.NewErrorDiagnostic("UpdateTable Failed",
			fmt.Sprintf("The pre-warm of table %q called UpdateTable (%s) and DynamoDB refused. Check that the identity may call "+
				"dynamodb:UpdateTable, the account's throughput quotas, and that no other tool changes the table at the same time.%s\n\n%v",
				spec.Table, ue.Step, atPeak, ue.Err))
	case errors.As(err, &se):
		return diag.NewErrorDiagnostic("Invalid Pre-Warm Settings", err.Error())
	}
	return diag.NewErrorDiagnostic("Pre-Warm Failed", fmt.Sprintf("The pre-warm of table %q failed.%s\n\n%v", spec.Table, atPeak, err))
}

func orText(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
