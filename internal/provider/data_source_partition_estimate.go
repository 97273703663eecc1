package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/estimate"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

var (
	_ datasource.DataSource                     = (*partitionEstimateDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*partitionEstimateDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*partitionEstimateDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*partitionEstimateDataSource)(nil)
)

// NewPartitionEstimateDataSource returns the ddbload_partition_estimate data source.
func NewPartitionEstimateDataSource() datasource.DataSource {
	return &partitionEstimateDataSource{}
}

type partitionEstimateDataSource struct {
	data *providerData
}

func (d *partitionEstimateDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_partition_estimate"
}

func (d *partitionEstimateDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	optionalInt := func(desc string, v ...validator.Int64) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, MarkdownDescription: desc, Validators: v}
	}
	computedInt := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	computedFloat := func(desc string) schema.Float64Attribute {
		return schema.Float64Attribute{Computed: true, MarkdownDescription: desc}
	}
	share := []validator.Float64{float64validator.Between(0, 1)}

	resp.Schema = schema.Schema{
		MarkdownDescription: "The plan-time key-design gate. Estimates a table's partitions and per-key limits from declared numbers, " +
			"a live table (`table_name`, one `DescribeTable` call) and/or a dataset's real key distribution (`dataset`), and reports " +
			"findings: hot or oversized item collections under an LSI, too few partition-key shards, an ever-increasing sort key on a hot " +
			"key, hot GSI keys, cold on-demand tables and quotas. Findings of severity `error` **fail the plan** (with " +
			"`enforcement = \"error\"`, the default), so `terraform plan` in CI rejects designs that cannot reach the throughput " +
			"they are provisioned for.\n\n" +
			"Without `table_name` it makes no AWS call at all: it needs no credentials and no region. All numbers are heuristics " +
			"(DynamoDB does not publish partition counts).",
		Attributes: map[string]schema.Attribute{
			"read_units_per_second": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Read capacity, in RCU/s: the provisioned capacity, or the peak an on-demand table must serve. " +
					"Unset: the live table's provisioned read capacity (`table_name`), else null (no reads).",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"write_units_per_second": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Write capacity, in WCU/s: the provisioned capacity, or the peak an on-demand table must serve " +
					"(with a `dataset`: the rate it is loaded at). Unset: the live table's provisioned write capacity, else null.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"billing_mode": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`PROVISIONED` or `PAY_PER_REQUEST` (on-demand). Unset: the live table's, else `PROVISIONED`.",
				Validators:          []validator.String{stringvalidator.OneOf(estimate.Provisioned, estimate.OnDemand)},
			},
			"storage_gb": schema.Float64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Table size in GB (10^9 bytes). Unset: `item_count` × `average_item_bytes`, else the dataset's size, " +
					"else the live table's reported size, else 0.",
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"item_count": optionalInt("Number of items the table will hold; with `average_item_bytes` it gives the storage when `storage_gb` is unset.",
				int64validator.AtLeast(1), int64validator.AlsoRequires(path.MatchRoot("average_item_bytes"))),
			"average_item_bytes": optionalInt(fmt.Sprintf("Average item size in bytes, at most %d (400 KB). Used for storage, for the "+
				"size of `largest_collection_items` and for the write units of a collection written at once (1 WCU per KB, rounded up).", ddbitem.MaxItemBytes),
				int64validator.Between(1, ddbitem.MaxItemBytes)),
			"partition_key_count": optionalInt("Declared key design: the number of distinct logical partition-key values "+
				"(e.g. `2` candidates of an election, `10000` users).", int64validator.AtLeast(1)),
			"shard_count": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: fmt.Sprintf("Declared key design: write shards per logical key (`<key>#<shard>`), from 1 to %d. "+
					"Unset: 1, or the `dataset`'s `shard_count`.", keys.MaxShardCount),
				Validators: []validator.Int64{int64validator.Between(1, keys.MaxShardCount)},
			},
			"hottest_key_share": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Declared key design: the hottest logical key's share of the traffic, from 0 to 1 (`0.9` for a 90/10 " +
					"vote). Unset: keys are used evenly (1/`partition_key_count`).",
				Validators: share,
			},
			"sort_key_monotonic": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Declared key design: the sort key only increases (a timestamp, a sequence number), so new items of " +
					"a key always land at the end of its range and split for heat cannot help a hot key. Defaults to `false`.",
			},
			"lsi_count": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Number of local secondary indexes, 0 to 5. Unset or 0: the live table's. With an LSI, every item " +
					"collection lives on one partition (no split for heat) and is capped at 10 GB.",
				Validators: []validator.Int64{int64validator.Between(0, 5)},
			},
			"largest_collection_items": optionalInt("Declared key design: items in the largest item collection (the items sharing one "+
				"partition-key value as stored, i.e. one shard).", int64validator.AtLeast(1)),
			"largest_collection_gb": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Declared key design: size of the largest item collection in GB, LSI copies included. Unset: " +
					"`largest_collection_items` × `average_item_bytes`, or the dataset's largest collection.",
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"collections_written_at_once": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Declared key design: a collection's items are written together in one burst (a job that writes one " +
					"user's data at a time, input sorted by partition key). The largest collection then asks for its write units " +
					"(`largest_collection_items` × 1 WCU per KB) within one second, up to the table's write rate. Defaults to `false`.",
			},
			"global_secondary_indexes": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Declared GSIs whose keys to check. Each GSI has its own partitions; one whose key cannot carry its " +
					"share of the writes throttles the table (back-pressure).",
				Validators: []validator.List{listvalidator.SizeAtMost(20)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Index name.",
						Validators: []validator.String{stringvalidator.LengthBetween(3, 255)}},
					"partition_key_count": optionalInt("Distinct values of the index's partition key (e.g. `3` for a `status`).", int64validator.AtLeast(1)),
					"hottest_key_share": schema.Float64Attribute{Optional: true, Validators: share,
						MarkdownDescription: "Share of the table's writes that go to the index's hottest key value, from 0 to 1. " +
							"Unset: 1/`partition_key_count`."},
				}},
			},
			"previous_peak_read_units_per_second": optionalInt("On-demand: the highest read rate the table has served. It serves twice "+
				"that (at least 12,000 RCU/s) at once.", int64validator.AtLeast(0)),
			"previous_peak_write_units_per_second": optionalInt("On-demand: the highest write rate the table has served. It serves twice "+
				"that (at least 4,000 WCU/s) at once.", int64validator.AtLeast(0)),
			"prewarmed": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "The table is pre-warmed for the target rates (e.g. by a `ddbload_prewarm` resource), so " +
					"`ON_DEMAND_COLD_START` does not apply. Defaults to `false`.",
			},
			"engine": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The engine that will load the table, as `ddbload_dataset`'s `engine`: `%s` (the default) "+
					"or `%s`, which adds bulk put's own limits: `BULK_PUT_GLOBAL_TABLE` when `table_name` is a global table, and "+
					"`BULK_PUT_MINIMUM_RATE` when the write rate is below the 1,024 WCU/s a bulk put cannot be capped under. Either "+
					"engine writes a dataset's items with its partition keys interleaved, except a bulk put that reads your own "+
					"objects as they are: if those are sorted by key, set `collections_written_at_once`.", estimate.EngineLocal, estimate.EngineBulkPut),
				Validators: []validator.String{stringvalidator.OneOf(estimate.EngineLocal, estimate.EngineBulkPut)},
			},
			"table_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A live table to describe (one `DescribeTable` call): its billing mode, provisioned and warm throughput, " +
					"size, LSIs and key schema fill in what is not declared. This is the only attribute that needs AWS credentials and a region.",
				Validators: []validator.String{stringvalidator.LengthBetween(3, 255)},
			},
			"dataset": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "A dataset, read with the same settings and the same code as `ddbload_dataset`, whose real key " +
					"statistics (distinct partition-key values after templating and sharding, the hottest value's share of the items, the " +
					"largest collection) replace the declared key design. Each value's share of the items is taken as its share of the writes.",
				Attributes: datasetSourceAttributes(),
			},
			"enforcement": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`error` (default): findings of severity `error` fail the plan, warnings are warnings. `warn`: every " +
					"finding is a warning.",
				Validators: []validator.String{stringvalidator.OneOf(string(estimate.EnforceError), string(estimate.EnforceWarn))},
			},
			"ignore": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Finding codes to leave out (neither reported nor enforced): " +
					"`" + strings.Join(estimate.Codes(), "`, `") + "`.",
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf(estimate.Codes()...))},
			},

			"partitions_for_throughput": computedInt("Partitions the throughput needs: ceil(RCU/3,000 + WCU/1,000), at least 1."),
			"partitions_for_storage":    computedInt("Partitions the storage needs: ceil(GB/10), at least 1."),
			"partitions":                computedInt("Estimated partitions: the larger of the two."),
			"read_units_per_partition":  computedFloat("RCU/s each partition serves: throughput is split evenly across partitions."),
			"write_units_per_partition": computedFloat("WCU/s each partition serves."),
			"per_key_read_units":        computedFloat("The most one partition-key value can take, in RCU/s: one partition's 3,000."),
			"per_key_write_units":       computedFloat("The most one partition-key value can take, in WCU/s: one partition's 1,000."),
			"required_shards": computedInt("Write shards the hottest logical key needs so that no partition-key value takes more than " +
				"one partition and there are values for every partition the throughput needs. Null when nothing is known about the keys."),
			"achievable_read_units_per_second": computedFloat("RCU/s of `read_units_per_second` the key design can reach: all of " +
				"it, or less when the hottest value (at most 3,000 RCU/s) or too few values hold it back. Null without a read target."),
			"achievable_write_units_per_second": computedFloat("WCU/s of `write_units_per_second` the key design can reach: all of " +
				"it, or less when the hottest value (at most 1,000 WCU/s), too few values or a hot GSI key hold it back. Null without a write target."),
			"findings": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "What is wrong with the design, errors first, then by code. Ignored codes are left out. See the " +
					"page's *Findings* section for each rule.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"code":     schema.StringAttribute{Computed: true, MarkdownDescription: "Finding code, e.g. `TOO_FEW_SHARDS`."},
					"severity": schema.StringAttribute{Computed: true, MarkdownDescription: "`error` (the design cannot work) or `warning`."},
					"message":  schema.StringAttribute{Computed: true, MarkdownDescription: "What is wrong, with the numbers, and what to change."},
					"input": schema.StringAttribute{Computed: true, MarkdownDescription: "The input the finding concerns, e.g. " +
						"`shard_count`, `dataset.shard_count`, `global_secondary_indexes[0]` or `table_name`."},
				}},
			},
			"report": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The estimate as readable text: the formulas with their numbers, the key design and the findings.",
			},
			"dataset_statistics": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The dataset's key statistics; null without `dataset`.",
				Attributes: map[string]schema.Attribute{
					"items":                   computedInt("Items in the dataset, after duplicate handling."),
					"bytes":                   computedInt("Total size of the items in bytes."),
					"distinct_partition_keys": computedInt("Distinct partition-key values, as written (after templates and sharding)."),
					"approximate": schema.BoolAttribute{Computed: true, MarkdownDescription: fmt.Sprintf("Whether the counts are "+
						"estimates (more than %d distinct keys).", loader.ExactKeyLimit)},
					"hottest_partition_key": schema.StringAttribute{Computed: true, MarkdownDescription: "The partition-key value with " +
						"the most items (binary values in base64)."},
					"hottest_item_share":               computedFloat("The hottest partition-key value's share of the items, from 0 to 1."),
					"hottest_byte_share":               computedFloat("The hottest partition-key value's share of the bytes, from 0 to 1."),
					"largest_collection_partition_key": schema.StringAttribute{Computed: true, MarkdownDescription: "The partition-key value whose items take the most bytes (the largest item collection)."},
					"largest_collection_items":         computedInt("Items in the largest item collection."),
					"largest_collection_bytes":         computedInt("Size of the largest item collection in bytes."),
				},
			},
		},
	}
}

// datasetSourceAttributes are ddbload_dataset's source attributes, for the dataset attribute,
// plus the key schema to read it against when no table_name is set.
func datasetSourceAttributes() map[string]schema.Attribute {
	sibling := func(name string) path.Expression { return path.MatchRelative().AtParent().AtName(name) }
	keyType := []validator.String{stringvalidator.OneOf("S", "N", "B")}
	return map[string]schema.Attribute{
		"files":  schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: docFiles, Validators: filesValidators()},
		"format": schema.StringAttribute{Optional: true, MarkdownDescription: docFormat, Validators: formatValidators()},
		"items":  schema.StringAttribute{Optional: true, MarkdownDescription: docItems, Validators: itemsValidators()},
		"csv": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: docCSV,
			Attributes: map[string]schema.Attribute{
				"columns": schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: docCSVColumns,
					Validators: itemTypeMapValidators()},
				"set_separator": schema.StringAttribute{Optional: true, MarkdownDescription: docCSVSetSeparator, Validators: setSeparatorValidators()},
				"keep_empty":    schema.BoolAttribute{Optional: true, MarkdownDescription: docCSVKeepEmpty},
			},
		},
		"attribute_types": schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: docAttributeTypes,
			Validators: itemTypeMapValidators()},
		"partition_key": schema.StringAttribute{Optional: true, MarkdownDescription: docPartitionKeyTmpl},
		"sort_key":      schema.StringAttribute{Optional: true, MarkdownDescription: docSortKeyTmpl},
		"shard_attribute": schema.StringAttribute{Optional: true, MarkdownDescription: docShardAttribute,
			Validators: shardAttributeValidators(sibling("shard_count"))},
		"shard_count": schema.Int64Attribute{Optional: true, MarkdownDescription: docShardCount,
			Validators: shardCountValidators(sibling("shard_attribute"))},
		"on_duplicate": schema.StringAttribute{Optional: true, MarkdownDescription: docOnDuplicate, Validators: onDuplicateValidators()},
		"key_schema": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "The table's primary key, to read the dataset against when `table_name` is not set (with `table_name`, " +
				"the table's key schema is used).",
			Attributes: map[string]schema.Attribute{
				"hash_key": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the table's partition (hash) key attribute.",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				"hash_key_type": schema.StringAttribute{Optional: true, MarkdownDescription: "Its type: `S` (default), `N` or `B`.", Validators: keyType},
				"range_key": schema.StringAttribute{Optional: true, MarkdownDescription: "Name of the table's sort (range) key attribute, if it has one.",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				"range_key_type": schema.StringAttribute{Optional: true, MarkdownDescription: "Its type: `S` (default), `N` or `B`.",
					Validators: append([]validator.String{stringvalidator.AlsoRequires(sibling("range_key"))}, keyType...)},
			},
		},
	}
}

func (d *partitionEstimateDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	dataset := path.MatchRoot("dataset")
	return []datasource.ConfigValidator{
		// The dataset's statistics are the key design; declaring one as well would be ignored.
		datasourcevalidator.Conflicting(dataset, path.MatchRoot("partition_key_count")),
		datasourcevalidator.Conflicting(dataset, path.MatchRoot("shard_count")),
		datasourcevalidator.Conflicting(dataset, path.MatchRoot("hottest_key_share")),
		datasourcevalidator.Conflicting(path.MatchRoot("table_name"), dataset.AtName("key_schema")),
		datasourcevalidator.Conflicting(dataset.AtName("items"), dataset.AtName("csv")),
	}
}

func (d *partitionEstimateDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	// dataset is read into a struct, which cannot hold unknown values (e.g. from a variable
	// during terraform validate): check it only once it is fully known.
	var ds types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("dataset"), &ds)...)
	if resp.Diagnostics.HasError() || !fullyKnown(ctx, ds) {
		return
	}
	var m partitionEstimateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Dataset == nil {
		return
	}
	if ds := m.Dataset; !ds.Files.IsUnknown() && !ds.Items.IsUnknown() && ds.Files.IsNull() == ds.Items.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("dataset"), "Invalid Dataset Source",
			"Set exactly one of dataset.files and dataset.items.")
	}
	if m.TableName.IsNull() && m.Dataset.KeySchema == nil {
		resp.Diagnostics.AddAttributeError(path.Root("dataset").AtName("key_schema"), "Missing Key Schema",
			"Reading a dataset needs the table's primary key. Set table_name to describe a live table, or dataset.key_schema "+
				"(e.g. key_schema = { hash_key = \"pk\", range_key = \"sk\" }) to estimate offline.")
	}
}

func (d *partitionEstimateDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // not configured yet (validation)
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			"The ddbload_partition_estimate data source received provider data of an unexpected type. This is a bug in the provider; please report it.")
		return
	}
	d.data = data
}

// Read estimates. It calls DynamoDB only when table_name is set, so offline estimates need no
// credentials and no region.
func (d *partitionEstimateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m partitionEstimateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, diags := m.input(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if name := m.TableName.ValueString(); name != "" {
		client, diags := d.data.dynamoClient(ctx)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		t, err := tableinfo.Describe(ctx, client, name)
		if err != nil {
			resp.Diagnostics.Append(tableErrorDiag(name, err))
			return
		}
		in.Table = t
	}

	var stats *loader.KeyStats
	if m.Dataset != nil {
		keySchema := m.Dataset.keySchema(in.Table)
		opts, diags := m.Dataset.options(ctx)
		d.data.withObjects(ctx, &opts.Source)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		validated, err := loader.Validate(ctx, keySchema, opts)
		if err != nil {
			resp.Diagnostics.Append(estimateDatasetErrorDiag(m.Dataset, in.Table != nil, err))
			return
		}
		stats = &validated.Keys
		in.Keys, in.KeysShardCount, in.KeysShardSource = stats, int64(opts.Keys.ShardCount), "dataset.partition_key"
		if opts.Keys.ShardCount > 0 {
			in.KeysShardSource = "dataset.shard_count"
		}
		tflog.Debug(ctx, "Read dataset for the partition estimate", map[string]any{
			"items": validated.Items, "partition_keys": stats.DistinctPartitionKeys, "approximate": stats.Approximate})
	}

	r := estimate.Estimate(in)
	tflog.Debug(ctx, "Estimated partitions", map[string]any{
		"partitions": r.Partitions, "required_shards": r.RequiredShards, "findings": len(r.Findings)})

	resp.Diagnostics.Append(m.setResult(ctx, &r, stats)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(findingDiagnostics(r.Findings, estimate.Enforcement(m.Enforcement.ValueString()))...)
}
