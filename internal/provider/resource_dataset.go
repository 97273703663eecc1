package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

var (
	_ resource.Resource                     = (*datasetResource)(nil)
	_ resource.ResourceWithConfigure        = (*datasetResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*datasetResource)(nil)
	_ resource.ResourceWithConfigValidators = (*datasetResource)(nil)
)

// NewDatasetResource returns the ddbload_dataset resource.
func NewDatasetResource() resource.Resource {
	return &datasetResource{}
}

type datasetResource struct {
	data *providerData
}

// Defaults, also quoted in the schema's descriptions.
const (
	defaultDriftSample = 100
)

func (r *datasetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dataset"
}

func (r *datasetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Loads a dataset (files or inline items) into an existing DynamoDB table and keeps the table's copy of it " +
			"converged: a changed source is an in-place update that writes new and changed items and deletes the ones the " +
			"dataset no longer has; a refresh spots loaded items that went missing or changed; destroy removes what was loaded.\n\n" +
			"Input is validated completely at plan time (file, line and reason on error), and nothing is written when it is invalid.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier of this dataset: the table name and a random suffix.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"table_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Name of the existing table to load into, e.g. `aws_dynamodb_table.orders.name`. " +
					"Changing it replaces the resource (the items are removed from the old table, per `on_destroy`).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthBetween(3, 255)},
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
			"key_schema": keySchemaAttribute(),
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
				MarkdownDescription: docShardCount,
				Validators:          shardCountValidators(path.MatchRoot("shard_attribute")),
			},
			"order": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultOrder),
				MarkdownDescription: docOrder,
				Validators:          orderValidators(),
			},
			"order_seed": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(0),
				MarkdownDescription: docOrderSeed,
			},
			"on_duplicate": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultOnDuplicate),
				MarkdownDescription: docOnDuplicate,
				Validators:          onDuplicateValidators(),
			},
			"concurrency": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(write.DefaultConcurrency),
				MarkdownDescription: docConcurrency,
				Validators:          concurrencyValidators(),
			},
			"max_write_units_per_second": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: docMaxWriteUnits,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"on_destroy": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("delete"),
				MarkdownDescription: "`delete` (default) removes the loaded items when the resource is destroyed; `retain` leaves them in the table.",
				Validators:          []validator.String{stringvalidator.OneOf("delete", "retain")},
			},
			"drift_check": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("sample"),
				MarkdownDescription: "How refresh checks that the loaded items are still in place: `sample` (default) reads back " +
					"blocks of about 32 neighbouring items, chosen deterministically, until `drift_sample_size` items; `full` reads " +
					"back every loaded item (one read unit per 4 KB item, strongly consistent); `off` skips the check. Missing or " +
					"changed items make the next plan show an update that restores them.",
				Validators: []validator.String{stringvalidator.OneOf("sample", "full", "off")},
			},
			"drift_sample_size": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(defaultDriftSample),
				MarkdownDescription: fmt.Sprintf("Items read back per refresh with `drift_check = \"sample\"` (whole blocks of about 32, so up to a block more). Defaults to `%d`.", defaultDriftSample),
				Validators:          []validator.Int64{int64validator.Between(1, 100000)},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true, Read: true}),

			"content_sha256": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Digest of the dataset's items as they are written (after key templates and type conversion), independent " +
					"of file layout and order. It changes exactly when the table's copy would change. In state, `incomplete` marks an " +
					"interrupted load and `drifted` a refresh that found loaded items missing or changed; the next apply converges both.",
			},
			"item_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of items the dataset puts in the table (after duplicate handling).",
			},
			"estimated_write_units": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Write capacity units one full load consumes: every item rounds up to 1 KB (GSI writes not included).",
			},
			"estimated_load_seconds": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "Estimated duration of a full load, in seconds: `estimated_write_units` over the rate the table can take — " +
					"its provisioned WCU, or its warm throughput when on-demand, capped by `max_write_units_per_second` and by one partition's " +
					"1,000 WCU/s for the hottest partition key (a bulk put's cap is `max_write_units_per_second` too). When bulk put runs (`engine = \"bulk_put\"`, or `auto` choosing it) it " +
					"adds the staging of the items (their bytes at about 16 MB/s; nothing when the operation reads your own objects) and " +
					"10 s for the last progress check. Null when the table's capacity is not known (e.g. on-demand without warm throughput).",
			},
			"planned_changes": schema.SingleNestedAttribute{
				Computed: true,
				MarkdownDescription: "What the planned create or update does to the table, from the ledger of what earlier applies " +
					"loaded (in private state), so `terraform plan` shows the size of an update and CI can assert on it " +
					"(`terraform show -json`). It changes only with the dataset; after the apply it records what was planned. " +
					"Unknown at plan time when the table's key schema is not known then (see `key_schema`).",
				Attributes: map[string]schema.Attribute{
					"write":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Items to write: new, changed, and (after drift or an interrupted load) to restore."},
					"delete":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Items to delete: loaded before, no longer in the dataset."},
					"unchanged": schema.Int64Attribute{Computed: true, MarkdownDescription: "Items already in place, not written."},
					"resumed":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Items an interrupted earlier load of the same dataset wrote, not written again."},
					"write_units": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "WCU of the writes (each item rounded up to 1 KB) plus one per delete; GSI writes not included."},
					"estimated_seconds": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "`write_units` over the rate the table can take, plus a bulk put's staging and last progress check, as for " +
							"`estimated_load_seconds`. Null when that rate is not known."},
				},
			},
			"last_load": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "What the last create or update did.",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"written":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Items written (puts)."},
					"deleted":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Items deleted because the dataset no longer has them."},
					"unchanged":            schema.Int64Attribute{Computed: true, MarkdownDescription: "Items already in place and not written again."},
					"resumed":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Items an interrupted earlier load had written, not written again."},
					"write_units_consumed": schema.Float64Attribute{Computed: true, MarkdownDescription: "WCU DynamoDB reported as consumed."},
					"throttled_requests":   schema.Int64Attribute{Computed: true, MarkdownDescription: "BatchWriteItem calls DynamoDB throttled (entirely or in part)."},
					"retries":              schema.Int64Attribute{Computed: true, MarkdownDescription: "BatchWriteItem calls that re-sent items."},
					"duration_seconds":     schema.Float64Attribute{Computed: true, MarkdownDescription: "Duration of the write phase, in seconds."},
					"items_per_second":     schema.Float64Attribute{Computed: true, MarkdownDescription: "Items written per second."},
					"engine":               schema.StringAttribute{Computed: true, MarkdownDescription: "The engine that wrote: `local` or `bulk_put`."},
					"bulk_operation_arn": schema.StringAttribute{Computed: true,
						MarkdownDescription: "The bulk put operation's ARN (`DescribeBulkOperation`), when `engine` was `bulk_put`."},
					"bulk_input": schema.StringAttribute{Computed: true,
						MarkdownDescription: "What the bulk put read, `s3://<bucket>/<prefix>`: the staging folder, or the dataset's own " +
							"objects when they were passed through untouched (see the guide *Loading large datasets*). Null for `local`."},
				},
			},
			"engine": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: docEngine,
				Validators:          []validator.String{stringvalidator.OneOf(engineLocal, engineBulkPut, engineAuto)},
			},
			"staging": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: docStaging,
				Attributes: map[string]schema.Attribute{
					"bucket": schema.StringAttribute{Required: true, MarkdownDescription: "S3 bucket the items are staged in, in the table's region.",
						Validators: []validator.String{stringvalidator.LengthBetween(3, 63)}},
					"prefix": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(defaultStagingPrefix),
						MarkdownDescription: "Key prefix of the staging folders. Defaults to `" + defaultStagingPrefix + "`."},
				},
			},
			"selected_engine": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: docSelectedEngine,
			},
			"selected_engine_reason": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: docSelectedEngineReason,
			},
		},
	}
	wholeNumbers(resp.Schema.Attributes)
}

func (r *datasetResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("files"), path.MatchRoot("items")),
		resourcevalidator.Conflicting(path.MatchRoot("items"), path.MatchRoot("csv")),
		bulkPutConfig{},
	}
}

func (r *datasetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			"The ddbload_dataset resource received provider data of an unexpected type. This is a bug in the provider; please report it.")
		return
	}
	r.data = data
}
