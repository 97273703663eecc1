package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/prewarm"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// ModifyPlan decides whether an apply runs a pre-warm and shows what the run will do.
//
// A run is planned on create, when the strategy changes, when a target is raised, and when
// refresh found the table recreated (last_run is null then). Lowering targets, or changing only
// how a run goes (hold_duration, the final mode, timeouts), is an in-place update that makes
// no call: warm throughput and partitions never decrease, and a finished switch is over.
func (r *prewarmResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: no call, nothing to plan
	}
	var plan prewarmModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.targetsKnown(ctx) {
		return // the computed values stay unknown until apply
	}
	next, diags := plan.spec(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !req.State.Raw.IsNull() {
		var state prewarmModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		recreated := state.LastRun.IsNull()
		if !recreated && req.Plan.Raw.Equal(req.State.Raw) {
			return // nothing changed
		}
		prior, diags := state.spec(ctx)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		raised, lowered := compareTargets(prior, next)
		if !recreated && !raised && prior.Strategy == next.Strategy {
			plan.copyComputed(&state)
			plan.HoldCapacityHours = types.ObjectNull(prewarmHoldTypes)
			reason := "only settings of how a run goes changed; they apply to the next run"
			if lowered {
				reason = "the targets were lowered, and warm throughput and partitions never decrease"
				resp.Diagnostics.AddWarning("Targets Lowered: Nothing To Do",
					fmt.Sprintf("Table %s keeps the throughput it was pre-warmed to: warm throughput can never be decreased and "+
						"partitions never merge. Applying records the lower targets and makes no DynamoDB call; a later raise above "+
						"what the table has pre-warms again.", next.Table))
			}
			plan.PlannedActions = stringList([]string{"none: " + reason})
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
	}

	plan.markRun()
	plan.ID = plan.TableName
	r.planRun(ctx, &plan, next, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planRun describes the table and fills in planned_actions and hold_capacity_unit_hours, with
// warnings for quotas and the switching rule. Without a table or settings yet they stay unknown.
func (r *prewarmResource) planRun(ctx context.Context, plan *prewarmModel, spec prewarm.Spec, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	client, err := r.data.aws.Client(ctx)
	if errors.Is(err, awsclient.ErrUnknownConfig) {
		return
	}
	if err != nil {
		resp.Diagnostics.Append(clientErrorDiag(err))
		return
	}
	snap, err := prewarm.Describe(ctx, client, spec.Table)
	var nf *tableinfo.NotFoundError
	if errors.As(err, &nf) {
		resp.Diagnostics.AddAttributeWarning(path.Root("table_name"), "Table Not Found At Plan Time",
			fmt.Sprintf("Table %q does not exist yet, so what the pre-warm does is decided at apply time. "+
				"If another resource creates it in this apply, that is expected.", spec.Table))
		warnQuotaFromSpec(spec, resp)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(tableErrorDiag(spec.Table, err))
		return
	}
	p, err := prewarm.MakePlan(spec, snap, r.now())
	var inf *prewarm.IndexNotFoundError
	if errors.As(err, &inf) {
		resp.Diagnostics.AddAttributeError(path.Root("global_secondary_indexes").AtMapKey(inf.Index), "Unknown Global Secondary Index",
			fmt.Sprintf("Table %q has no global secondary index %q. Its GSIs are: %s.", inf.Table, inf.Index, listOrNone(inf.Have)))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Invalid Pre-Warm Settings", err.Error())
		return
	}
	for _, w := range p.Warnings {
		resp.Diagnostics.AddWarning(w.Summary, w.Detail)
	}
	plan.PlannedActions = plannedActions(p)
	plan.HoldCapacityHours = holdHoursObject(p)
}

// warnQuotaFromSpec warns about targets above the default per-table quota when the table
// cannot be described yet: the targets alone are enough to know.
func warnQuotaFromSpec(spec prewarm.Spec, resp *resource.ModifyPlanResponse) {
	var over []string
	check := func(what string, t tableinfo.Throughput) {
		if t.ReadUnits > prewarm.TableQuota || t.WriteUnits > prewarm.TableQuota {
			over = append(over, fmt.Sprintf("%s (%d RCU, %d WCU)", what, t.ReadUnits, t.WriteUnits))
		}
	}
	check("the table", spec.Target)
	names := make([]string, 0, len(spec.Indexes))
	for name := range spec.Indexes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		check("index "+name, spec.Indexes[name].Target)
	}
	if len(over) == 0 {
		return
	}
	resp.Diagnostics.AddWarning("Target Above The Default Table Quota",
		fmt.Sprintf("%s: above the default quota of %d read and %d write units per table (and per GSI). Unless this "+
			"account's quota was raised (Service Quotas), AWS refuses the update.", strings.Join(over, ", "), prewarm.TableQuota, prewarm.TableQuota))
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
