package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

var (
	_ action.Action                     = (*loadAction)(nil)
	_ action.ActionWithConfigure        = (*loadAction)(nil)
	_ action.ActionWithModifyPlan       = (*loadAction)(nil)
	_ action.ActionWithConfigValidators = (*loadAction)(nil)
)

// NewLoadAction returns the ddbload_load action.
func NewLoadAction() action.Action {
	return &loadAction{}
}

// loadAction writes every item of a dataset on demand, through the same engine path as
// ddbload_dataset (converge.Apply) with no prior state, and reports its progress to the CLI.
type loadAction struct {
	data *providerData
}

// loadModel is ddbload_load's configuration: the dataset's source attributes, as in
// ddbload_dataset, and how to write it.
type loadModel struct {
	datasetSourceModel

	TableName     types.String   `tfsdk:"table_name"`
	Order         types.String   `tfsdk:"order"`
	OrderSeed     types.Int64    `tfsdk:"order_seed"`
	Concurrency   types.Int64    `tfsdk:"concurrency"`
	MaxWriteUnits types.Int64    `tfsdk:"max_write_units_per_second"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (a *loadAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_load"
}

func (a *loadAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Writes every item of a dataset into an existing DynamoDB table on demand, and reports the load's " +
			"progress in the CLI while it runs (items written of total, items/s, WCU/s, throttled calls, time left) and a summary " +
			"at the end. It reads, validates and writes a dataset exactly as `ddbload_dataset` does, with the same attributes, " +
			"but keeps no state: every item is written (an item already in the table is overwritten with the dataset's copy) and " +
			"nothing is deleted. Requires Terraform 1.14 or later; OpenTofu has no actions.",
		Attributes: map[string]schema.Attribute{
			"table_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the existing table to load into, e.g. `aws_dynamodb_table.orders.name`.",
				Validators:          []validator.String{stringvalidator.LengthBetween(3, 255)},
			},
			"files": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: docFiles,
				Validators:          filesValidators(),
			},
			"format": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docFormat,
				Validators:          formatValidators(),
			},
			"items": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docItems,
				Validators:          itemsValidators(),
			},
			"csv": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: docCSV,
				Attributes: map[string]schema.Attribute{
					"columns": schema.MapAttribute{
						Optional:            true,
						ElementType:         types.StringType,
						MarkdownDescription: docCSVColumns,
						Validators:          itemTypeMapValidators(),
					},
					"set_separator": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: docCSVSetSeparator,
						Validators:          setSeparatorValidators(),
					},
					"keep_empty": schema.BoolAttribute{
						Optional:            true,
						MarkdownDescription: docCSVKeepEmpty,
					},
				},
			},
			"attribute_types": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: docAttributeTypes,
				Validators:          itemTypeMapValidators(),
			},
			"partition_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docPartitionKeyTmpl,
			},
			"sort_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docSortKeyTmpl,
			},
			"shard_attribute": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docShardAttribute,
				Validators:          shardAttributeValidators(path.MatchRoot("shard_count")),
			},
			"shard_count": schema.Int64Attribute{
				Optional:            true,
				CustomType:          wholeNumberType{},
				MarkdownDescription: docShardCount,
				Validators:          shardCountValidators(path.MatchRoot("shard_attribute")),
			},
			"on_duplicate": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docOnDuplicate,
				Validators:          onDuplicateValidators(),
			},
			"order": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docOrder,
				Validators:          orderValidators(),
			},
			"order_seed": schema.Int64Attribute{
				Optional:            true,
				CustomType:          wholeNumberType{},
				MarkdownDescription: docOrderSeed,
			},
			"concurrency": schema.Int64Attribute{
				Optional:            true,
				CustomType:          wholeNumberType{},
				MarkdownDescription: docConcurrency,
				Validators:          concurrencyValidators(),
			},
			"max_write_units_per_second": schema.Int64Attribute{
				Optional:            true,
				CustomType:          wholeNumberType{},
				MarkdownDescription: docMaxWriteUnits,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"timeouts": timeouts.Attributes(ctx),
		},
	}
}

func (a *loadAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{
		actionvalidator.ExactlyOneOf(path.MatchRoot("files"), path.MatchRoot("items")),
		actionvalidator.Conflicting(path.MatchRoot("items"), path.MatchRoot("csv")),
	}
}

func (a *loadAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			"The ddbload_load action received provider data of an unexpected type. This is a bug in the provider; please report it.")
		return
	}
	a.data = data
}

// withDefaults fills the optional write settings the configuration leaves null with the
// defaults ddbload_dataset's schema gives them.
func (m *loadModel) withDefaults() {
	if m.Order.IsNull() {
		m.Order = types.StringValue(defaultOrder)
	}
	if m.OnDuplicate.IsNull() {
		m.OnDuplicate = types.StringValue(defaultOnDuplicate)
	}
	if m.Concurrency.IsNull() {
		m.Concurrency = types.Int64Value(write.DefaultConcurrency)
	}
}

func (m *loadModel) settings() datasetWriteSettings {
	return datasetWriteSettings{Order: m.Order, OrderSeed: m.OrderSeed, Concurrency: m.Concurrency, MaxWriteUnits: m.MaxWriteUnits}
}
