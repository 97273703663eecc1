package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/prewarm"
)

var (
	_ resource.Resource                   = (*prewarmResource)(nil)
	_ resource.ResourceWithConfigure      = (*prewarmResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*prewarmResource)(nil)
	_ resource.ResourceWithValidateConfig = (*prewarmResource)(nil)
)

// NewPrewarmResource returns the ddbload_prewarm resource.
func NewPrewarmResource() resource.Resource {
	return &prewarmResource{}
}

type prewarmResource struct {
	data *providerData
	// clock and poll bounds are injectable for tests; zero values are the real clock and the
	// engine's defaults.
	clock            prewarm.Clock
	pollMin, pollMax time.Duration
}

// Defaults, also quoted in the schema's descriptions.
const (
	prewarmDefaultHold = "5m"
	prewarmMaxHold     = 12 * time.Hour
	// prewarmBaseTimeout is the default create and update timeout on top of hold_duration.
	prewarmBaseTimeout = 60 * time.Minute
	prewarmReadTimeout = 5 * time.Minute
)

var (
	prewarmStrategies   = []string{string(prewarm.StrategyWarmThroughput), string(prewarm.StrategyProvisionedSwitch)}
	prewarmBillingModes = []string{prewarm.BillingPayPerRequest, prewarm.BillingProvisioned}
)

func (r *prewarmResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_prewarm"
}

func (r *prewarmResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	warmAttrs := func(what string) map[string]schema.Attribute {
		return map[string]schema.Attribute{
			"read_units_per_second":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Warm read throughput of " + what + ", in read units per second."},
			"write_units_per_second": schema.Int64Attribute{Computed: true, MarkdownDescription: "Warm write throughput of " + what + ", in write units per second."},
			"status":                 schema.StringAttribute{Computed: true, MarkdownDescription: "`ACTIVE`, or `UPDATING` while a change is in progress."},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Readies an existing DynamoDB table and its global secondary indexes for a known peak, so that the " +
			"first seconds of a launch are not throttled while an on-demand table (which starts at about 4,000 writes and 12,000 " +
			"reads per second) scales up. Two strategies: `warm_throughput` raises the table's and GSIs' warm throughput with " +
			"`UpdateTable`; `provisioned_switch` switches the table to `PROVISIONED` at the targets, holds, and switches to the " +
			"final billing mode.\n\n" +
			"The plan shows the API calls a run will make (`planned_actions`) and, for `provisioned_switch`, the capacity-hours " +
			"the hold bills. A second apply with the same settings makes no call. Destroying the resource makes **no** " +
			"DynamoDB call: partitions never merge and warm throughput cannot be lowered.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The table name.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"table_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the existing table to pre-warm, e.g. `aws_dynamodb_table.orders.name`. " +
					"Changing it replaces the resource (the new table is pre-warmed; the old one keeps what it has).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthBetween(3, 255)},
			},
			"strategy": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(string(prewarm.StrategyWarmThroughput)),
				MarkdownDescription: "How to pre-warm. `warm_throughput` (default): `UpdateTable` with `WarmThroughput` for the table " +
					"and each GSI; the billing mode does not change; warm throughput is charged once per raise and never decreases. " +
					"`provisioned_switch`: switch to `PROVISIONED` at the targets, hold for `hold_duration`, then switch to " +
					"`final_billing_mode`; the hold bills provisioned capacity by the hour, and a switch back to on-demand is " +
					"allowed at most 4 times per table in a rolling 24 hours.",
				Validators: []validator.String{stringvalidator.OneOf(prewarmStrategies...)},
			},
			"read_units_per_second": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "Target read throughput the table must sustain at once, in read units per second (RCU/s). " +
					"Every GSI gets the same target unless `global_secondary_indexes` says otherwise. Above 40,000 (DynamoDB's " +
					"default per-table quota) the plan warns. Lowering it later changes nothing (with a warning).",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"write_units_per_second": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "Target write throughput the table must sustain at once, in write units per second (WCU/s). " +
					"Every GSI gets the same target unless `global_secondary_indexes` says otherwise. Above 40,000 the plan warns. " +
					"Lowering it later changes nothing (with a warning).",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"global_secondary_indexes": schema.MapNestedAttribute{
				Optional: true,
				MarkdownDescription: "Per-GSI targets, by index name. Every GSI of the table is pre-warmed; one not listed here (or " +
					"an unset value) takes the table's target. A name the table does not have fails the plan.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"read_units_per_second": schema.Int64Attribute{
							Optional:            true,
							MarkdownDescription: "Target read throughput of this GSI, in RCU/s. Defaults to the table's `read_units_per_second`.",
							Validators:          []validator.Int64{int64validator.AtLeast(1)},
						},
						"write_units_per_second": schema.Int64Attribute{
							Optional:            true,
							MarkdownDescription: "Target write throughput of this GSI, in WCU/s. Defaults to the table's `write_units_per_second`.",
							Validators:          []validator.Int64{int64validator.AtLeast(1)},
						},
						"final_read_capacity_units": schema.Int64Attribute{
							Optional: true,
							MarkdownDescription: "Steady provisioned read capacity of this GSI after the switch, in RCU, with " +
								"`final_billing_mode = \"PROVISIONED\"`. Defaults to the table's `final_read_capacity_units`.",
							Validators: []validator.Int64{int64validator.AtLeast(1)},
						},
						"final_write_capacity_units": schema.Int64Attribute{
							Optional: true,
							MarkdownDescription: "Steady provisioned write capacity of this GSI after the switch, in WCU, with " +
								"`final_billing_mode = \"PROVISIONED\"`. Defaults to the table's `final_write_capacity_units`.",
							Validators: []validator.Int64{int64validator.AtLeast(1)},
						},
					},
				},
			},
			"hold_duration": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(prewarmDefaultHold),
				MarkdownDescription: "`provisioned_switch` only: how long the table stays `PROVISIONED` at the targets once it and " +
					"every GSI are `ACTIVE` there, before the final switch, as a Go duration from `0s` to `12h`. Defaults to `" +
					prewarmDefaultHold + "`. The hold bills the targets' provisioned capacity by the hour (the plan shows the " +
					"capacity-hours). A table already provisioned at or above the targets is not held.",
				Validators: []validator.String{durationBetween(0, prewarmMaxHold)},
			},
			"final_billing_mode": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(prewarm.BillingPayPerRequest),
				MarkdownDescription: "`provisioned_switch` only: the billing mode after the hold. `PAY_PER_REQUEST` (default): " +
					"on-demand, which then sustains the provisioned peak at once. `PROVISIONED`: stay provisioned at " +
					"`final_read_capacity_units` and `final_write_capacity_units`.",
				Validators: []validator.String{stringvalidator.OneOf(prewarmBillingModes...)},
			},
			"final_read_capacity_units": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Steady provisioned read capacity after the hold, in RCU, for the table and (unless overridden) " +
					"every GSI. Required with `final_billing_mode = \"PROVISIONED\"`, not allowed otherwise.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"final_write_capacity_units": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Steady provisioned write capacity after the hold, in WCU, for the table and (unless overridden) " +
					"every GSI. Required with `final_billing_mode = \"PROVISIONED\"`, not allowed otherwise.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
				Create: true, Update: true, Read: true, Delete: true,
				CreateDescription: fmt.Sprintf("Timeout of a pre-warm run on create, as a Go duration. Defaults to %s plus `hold_duration`.", prewarmBaseTimeout),
				UpdateDescription: fmt.Sprintf("Timeout of a pre-warm run on update, as a Go duration. Defaults to %s plus `hold_duration`.", prewarmBaseTimeout),
				ReadDescription:   fmt.Sprintf("Timeout of the refresh (one DescribeTable), as a Go duration. Defaults to %s.", prewarmReadTimeout),
				DeleteDescription: "Accepted for symmetry; destroy makes no DynamoDB call.",
			}),

			"table_id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Identity of the table that was pre-warmed (DynamoDB's `TableId`). When the table is deleted " +
					"and recreated under the same name, refresh notices it and the next apply pre-warms the new table.",
			},
			"billing_mode": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The table's billing mode as of the last refresh: `PROVISIONED` or `PAY_PER_REQUEST`.",
			},
			"warm_throughput": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The table's warm throughput as of the last refresh, as DescribeTable reports it; null where the endpoint reports none.",
				Attributes:          warmAttrs("the table"),
			},
			"global_secondary_index_warm_throughput": schema.MapNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Each GSI's warm throughput as of the last refresh, by index name; null where the endpoint reports none.",
				NestedObject:        schema.NestedAttributeObject{Attributes: warmAttrs("the index")},
			},
			"planned_actions": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "What the planned run does, one line per step: which `UpdateTable` calls with which values and " +
					"which indexes, the waits and the hold; or `none: ...` with the reason. Known at plan time when the table exists then.",
			},
			"hold_capacity_unit_hours": schema.SingleNestedAttribute{
				Computed: true,
				MarkdownDescription: "`provisioned_switch`: the provisioned capacity the planned hold bills, in capacity-unit hours " +
					"(table and GSIs at the peak × `hold_duration`), not counting the minutes the switches take. Null without a hold.",
				Attributes: map[string]schema.Attribute{
					"read":  schema.Float64Attribute{Computed: true, MarkdownDescription: "Read capacity-unit hours (RCU × hours)."},
					"write": schema.Float64Attribute{Computed: true, MarkdownDescription: "Write capacity-unit hours (WCU × hours)."},
				},
			},
			"last_run": schema.SingleNestedAttribute{
				Computed: true,
				MarkdownDescription: "What the last create or update did and when. Null after refresh found the table recreated " +
					"(the pre-warm no longer applies).",
				Attributes: map[string]schema.Attribute{
					"strategy": schema.StringAttribute{Computed: true, MarkdownDescription: "Strategy used."},
					"actions": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "What was done, in order, each line starting with its time (RFC 3339, UTC); empty when nothing was needed."},
					"update_table_calls": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of `UpdateTable` calls made."},
					"started_at":         schema.StringAttribute{Computed: true, MarkdownDescription: "Start of the run (RFC 3339, UTC)."},
					"completed_at":       schema.StringAttribute{Computed: true, MarkdownDescription: "End of the run (RFC 3339, UTC)."},
					"hold_started_at":    schema.StringAttribute{Computed: true, MarkdownDescription: "Start of the hold at the peak (RFC 3339, UTC); null without a hold."},
					"hold_ended_at":      schema.StringAttribute{Computed: true, MarkdownDescription: "End of the hold at the peak (RFC 3339, UTC); null without a hold."},
					"billing_mode":       schema.StringAttribute{Computed: true, MarkdownDescription: "The table's billing mode at the end of the run."},
					"warm_throughput": schema.SingleNestedAttribute{
						Computed:            true,
						MarkdownDescription: "The table's warm throughput at the end of the run, as DescribeTable reported it; null where the endpoint reports none.",
						Attributes:          warmAttrs("the table"),
					},
					"global_secondary_index_warm_throughput": schema.MapNestedAttribute{
						Computed:            true,
						MarkdownDescription: "Each GSI's warm throughput at the end of the run, by index name; null where the endpoint reports none.",
						NestedObject:        schema.NestedAttributeObject{Attributes: warmAttrs("the index")},
					},
				},
			},
		},
	}
	wholeNumbers(resp.Schema.Attributes)
}

func (r *prewarmResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			"The ddbload_prewarm resource received provider data of an unexpected type. This is a bug in the provider; please report it.")
		return
	}
	r.data = data
}

// ValidateConfig checks the rules between attributes that depend on values: the final
// capacities go with a final PROVISIONED mode, switch-only settings do nothing with
// warm_throughput, and a timeout must outlast the hold. Unknown values are skipped.
func (r *prewarmResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m prewarmModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gsis, diags := m.gsiTargets(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	finalCaps := []path.Path{path.Root("final_read_capacity_units"), path.Root("final_write_capacity_units")}
	finalSet := []bool{!m.FinalReadCapacity.IsNull(), !m.FinalWriteCapacity.IsNull()}
	gsiFinalSet := false
	for _, g := range gsis {
		gsiFinalSet = gsiFinalSet || !g.FinalReadCapacity.IsNull() || !g.FinalWriteCapacity.IsNull()
	}

	if m.Strategy.ValueString() == string(prewarm.StrategyWarmThroughput) || m.Strategy.IsNull() {
		for _, p := range []struct {
			set  bool
			path path.Path
		}{
			{!m.HoldDuration.IsNull(), path.Root("hold_duration")},
			{!m.FinalBillingMode.IsNull(), path.Root("final_billing_mode")},
			{finalSet[0], finalCaps[0]},
			{finalSet[1], finalCaps[1]},
			{gsiFinalSet, path.Root("global_secondary_indexes")},
		} {
			if p.set {
				resp.Diagnostics.AddAttributeWarning(p.path, "Setting Ignored By warm_throughput",
					fmt.Sprintf("%s only applies to strategy = \"provisioned_switch\"; with \"warm_throughput\" the billing mode never changes.", p.path))
			}
		}
		return
	}
	if m.Strategy.IsUnknown() || m.FinalBillingMode.IsUnknown() {
		return
	}
	provisionedFinal := m.FinalBillingMode.ValueString() == prewarm.BillingProvisioned
	for i, p := range finalCaps {
		switch {
		case provisionedFinal && !finalSet[i]:
			resp.Diagnostics.AddAttributeError(p, "Missing Final Capacity",
				fmt.Sprintf("final_billing_mode = \"PROVISIONED\" needs the steady capacity the table keeps after the hold: set %s.", p))
		case !provisionedFinal && finalSet[i]:
			resp.Diagnostics.AddAttributeError(p, "Final Capacity Without PROVISIONED",
				fmt.Sprintf("%s is the steady capacity of a final PROVISIONED mode; with final_billing_mode = %q it would do nothing. "+
					"Remove it, or set final_billing_mode = \"PROVISIONED\".", p, m.FinalBillingMode.ValueString()))
		}
	}
	if !provisionedFinal && gsiFinalSet {
		resp.Diagnostics.AddAttributeError(path.Root("global_secondary_indexes"), "Final Capacity Without PROVISIONED",
			"final_read_capacity_units and final_write_capacity_units of an index need final_billing_mode = \"PROVISIONED\".")
	}

	if m.HoldDuration.IsUnknown() || m.Timeouts.IsUnknown() {
		return
	}
	hold, known := m.hold()
	if !known {
		hold = prewarm.DefaultHold // unset in the configuration: the default applies
	}
	for _, t := range []struct {
		name string
		get  func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)
	}{{"create", m.Timeouts.Create}, {"update", m.Timeouts.Update}} {
		limit, diags := t.get(ctx, prewarmBaseTimeout+hold)
		if diags.HasError() {
			continue // the timeouts attribute reports its own errors
		}
		if limit <= hold {
			resp.Diagnostics.AddAttributeError(path.Root("timeouts").AtName(t.name), "Timeout Shorter Than The Hold",
				fmt.Sprintf("The %s timeout (%s) ends before hold_duration (%s) does: the run would stop during the hold and leave "+
					"the table PROVISIONED at the peak. Give the timeout at least the hold plus the minutes the switches take.", t.name, limit, hold))
		}
	}
}
