package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// datasetModel is ddbload_dataset's configuration, plan and state. The attributes that decide
// the items (files, format, items, csv, attribute_types, partition_key, sort_key,
// shard_attribute, shard_count, on_duplicate) come from the embedded datasetSourceModel.
type datasetModel struct {
	datasetSourceModel

	ID                   types.String   `tfsdk:"id"`
	TableName            types.String   `tfsdk:"table_name"`
	Order                types.String   `tfsdk:"order"`
	OrderSeed            types.Int64    `tfsdk:"order_seed"`
	Concurrency          types.Int64    `tfsdk:"concurrency"`
	MaxWriteUnits        types.Int64    `tfsdk:"max_write_units_per_second"`
	OnDestroy            types.String   `tfsdk:"on_destroy"`
	DriftCheck           types.String   `tfsdk:"drift_check"`
	DriftSampleSize      types.Int64    `tfsdk:"drift_sample_size"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
	ContentSHA256        types.String   `tfsdk:"content_sha256"`
	ItemCount            types.Int64    `tfsdk:"item_count"`
	EstimatedWriteUnits  types.Int64    `tfsdk:"estimated_write_units"`
	EstimatedLoadSeconds types.Int64    `tfsdk:"estimated_load_seconds"`
	LastLoad             types.Object   `tfsdk:"last_load"`
	KeySchema            types.Object   `tfsdk:"key_schema"`
	PlannedChanges       types.Object   `tfsdk:"planned_changes"`
	Engine               types.String   `tfsdk:"engine"`
	Staging              types.Object   `tfsdk:"staging"`
	SelectedEngine       types.String   `tfsdk:"selected_engine"`
	SelectedEngineReason types.String   `tfsdk:"selected_engine_reason"`
}

type stagingModel struct {
	Bucket types.String `tfsdk:"bucket"`
	Prefix types.String `tfsdk:"prefix"`
}

type plannedChangesModel struct {
	Write            types.Int64 `tfsdk:"write"`
	Delete           types.Int64 `tfsdk:"delete"`
	Unchanged        types.Int64 `tfsdk:"unchanged"`
	Resumed          types.Int64 `tfsdk:"resumed"`
	WriteUnits       types.Int64 `tfsdk:"write_units"`
	EstimatedSeconds types.Int64 `tfsdk:"estimated_seconds"`
}

var plannedChangesTypes = map[string]attr.Type{
	"write": types.Int64Type, "delete": types.Int64Type, "unchanged": types.Int64Type, "resumed": types.Int64Type,
	"write_units": types.Int64Type, "estimated_seconds": types.Int64Type,
}

// plannedChangesValue is planned_changes for c; seconds is null when the rate is not known.
func plannedChangesValue(ctx context.Context, c converge.Changes, seconds types.Int64) (types.Object, diag.Diagnostics) {
	return types.ObjectValueFrom(ctx, plannedChangesTypes, plannedChangesModel{
		Write: types.Int64Value(c.Write), Delete: types.Int64Value(c.Delete), Unchanged: types.Int64Value(c.Unchanged),
		Resumed: types.Int64Value(c.Resumed), WriteUnits: types.Int64Value(c.WriteUnits), EstimatedSeconds: seconds,
	})
}

type csvModel struct {
	Columns      types.Map    `tfsdk:"columns"`
	SetSeparator types.String `tfsdk:"set_separator"`
	KeepEmpty    types.Bool   `tfsdk:"keep_empty"`
}

type lastLoadModel struct {
	Written            types.Int64   `tfsdk:"written"`
	Deleted            types.Int64   `tfsdk:"deleted"`
	Unchanged          types.Int64   `tfsdk:"unchanged"`
	Resumed            types.Int64   `tfsdk:"resumed"`
	WriteUnitsConsumed types.Float64 `tfsdk:"write_units_consumed"`
	ThrottledRequests  types.Int64   `tfsdk:"throttled_requests"`
	Retries            types.Int64   `tfsdk:"retries"`
	DurationSeconds    types.Float64 `tfsdk:"duration_seconds"`
	ItemsPerSecond     types.Float64 `tfsdk:"items_per_second"`
	Engine             types.String  `tfsdk:"engine"`
	BulkOperationARN   types.String  `tfsdk:"bulk_operation_arn"`
	BulkInput          types.String  `tfsdk:"bulk_input"`
}

var lastLoadTypes = map[string]attr.Type{
	"written":              types.Int64Type,
	"deleted":              types.Int64Type,
	"unchanged":            types.Int64Type,
	"resumed":              types.Int64Type,
	"write_units_consumed": types.Float64Type,
	"throttled_requests":   types.Int64Type,
	"retries":              types.Int64Type,
	"duration_seconds":     types.Float64Type,
	"items_per_second":     types.Float64Type,
	"engine":               types.StringType,
	"bulk_operation_arn":   types.StringType,
	"bulk_input":           types.StringType,
}

// Marker values of content_sha256 in state. They never equal a digest, so the next plan
// shows an update that converges the table.
const (
	contentIncomplete = "incomplete" // a load was interrupted
	contentDrifted    = "drifted"    // refresh found loaded items missing or changed
)

// loaderOptions maps the model onto the engine's options.
func (m *datasetModel) loaderOptions(ctx context.Context) (loader.Options, diag.Diagnostics) {
	o, diags := m.options(ctx)
	datasetWriteSettings{Order: m.Order, OrderSeed: m.OrderSeed, Concurrency: m.Concurrency, MaxWriteUnits: m.MaxWriteUnits}.apply(&o)
	return o, diags
}

// datasetWriteSettings are the attributes that say how a dataset is written, the same in
// ddbload_dataset and ddbload_load.
type datasetWriteSettings struct {
	Order                                 types.String
	OrderSeed, Concurrency, MaxWriteUnits types.Int64
}

func (w datasetWriteSettings) apply(o *loader.Options) {
	o.Order = order.Options{Mode: order.Mode(w.Order.ValueString()), Seed: w.OrderSeed.ValueInt64()}
	o.Write = write.Options{
		Concurrency:            int(w.Concurrency.ValueInt64()),
		MaxWriteUnitsPerSecond: float64(w.MaxWriteUnits.ValueInt64()),
	}
}

func lastLoadValue(ctx context.Context, res *loader.Result, deleted int64) (types.Object, diag.Diagnostics) {
	m := lastLoadModel{
		Written:            types.Int64Value(res.Stats.Written),
		Deleted:            types.Int64Value(deleted),
		Unchanged:          types.Int64Value(res.Unchanged),
		Resumed:            types.Int64Value(res.Resumed),
		WriteUnitsConsumed: types.Float64Value(res.Stats.WCUConsumed),
		ThrottledRequests:  types.Int64Value(res.Stats.Throttled),
		Retries:            types.Int64Value(res.Stats.Retries),
		DurationSeconds:    types.Float64Value(roundTo(res.Stats.Duration.Seconds(), 3)),
		ItemsPerSecond:     types.Float64Value(0),
		Engine:             types.StringValue(engineLocal),
		BulkOperationARN:   types.StringNull(),
		BulkInput:          types.StringNull(),
	}
	if s := res.Stats.Duration.Seconds(); s > 0 {
		m.ItemsPerSecond = types.Float64Value(roundTo(float64(res.Stats.Written)/s, 1))
	}
	return types.ObjectValueFrom(ctx, lastLoadTypes, m)
}

func roundTo(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// objectAsOptions converts nested objects strictly: unknown values are checked for first.
var objectAsOptions = basetypes.ObjectAsOptions{}
