package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// datasetSourceModel is the part of a dataset's configuration that decides its items: where
// they come from, how they are read and how their keys are built. ddbload_dataset has these
// attributes at its top level (embedded in datasetModel); ddbload_partition_estimate has them
// in its dataset attribute, so both read a dataset exactly the same way.
type datasetSourceModel struct {
	Files          types.List   `tfsdk:"files"`
	Format         types.String `tfsdk:"format"`
	Items          types.String `tfsdk:"items"`
	CSV            types.Object `tfsdk:"csv"`
	AttributeTypes types.Map    `tfsdk:"attribute_types"`
	PartitionKey   types.String `tfsdk:"partition_key"`
	SortKey        types.String `tfsdk:"sort_key"`
	ShardAttribute types.String `tfsdk:"shard_attribute"`
	ShardCount     types.Int64  `tfsdk:"shard_count"`
	OnDuplicate    types.String `tfsdk:"on_duplicate"`
}

// known reports whether every attribute that shapes the dataset is known, i.e. whether the
// dataset can be read now (at plan time it may depend on other resources).
func (s *datasetSourceModel) known() bool {
	for _, v := range []attr.Value{s.Files, s.Format, s.Items, s.CSV, s.AttributeTypes, s.PartitionKey,
		s.SortKey, s.ShardAttribute, s.ShardCount, s.OnDuplicate} {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// options maps the source attributes onto the engine's options: Source, Keys and Duplicates.
func (s *datasetSourceModel) options(ctx context.Context) (loader.Options, diag.Diagnostics) {
	var diags diag.Diagnostics
	var o loader.Options

	if !s.Files.IsNull() {
		diags.Append(s.Files.ElementsAs(ctx, &o.Source.Patterns, false)...)
	}
	o.Source.Inline = s.Items.ValueString()
	o.Source.Format = source.Format(s.Format.ValueString())
	if !s.AttributeTypes.IsNull() {
		diags.Append(s.AttributeTypes.ElementsAs(ctx, &o.Source.AttributeTypes, false)...)
	}
	if !s.CSV.IsNull() {
		var c csvModel
		diags.Append(s.CSV.As(ctx, &c, objectAsOptions)...)
		if !c.Columns.IsNull() {
			diags.Append(c.Columns.ElementsAs(ctx, &o.Source.CSV.Columns, false)...)
		}
		o.Source.CSV.SetSeparator = c.SetSeparator.ValueString()
		o.Source.CSV.KeepEmpty = c.KeepEmpty.ValueBool()
	}

	o.Keys = keys.Options{
		PartitionKey:   s.PartitionKey.ValueString(),
		SortKey:        s.SortKey.ValueString(),
		ShardAttribute: s.ShardAttribute.ValueString(),
		ShardCount:     int(s.ShardCount.ValueInt64()),
	}
	o.Duplicates = loader.DuplicatePolicy(s.OnDuplicate.ValueString())
	return o, diags
}

var (
	itemTypes   = []string{"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"}
	formatNames = []string{"json", "jsonl", "csv", "dynamodb_json"}
)

// Descriptions of the dataset-source attributes, the same in both schemas.
var (
	docFiles = "Dataset files or glob patterns (e.g. `\"${path.module}/data/*.jsonl.gz\"`), read in sorted order. " +
		"Relative paths are relative to the directory Terraform runs in. The format comes from each file's extension " +
		"(`.json` array, `.jsonl`/`.ndjson` JSON Lines, `.csv`, `.ddb.json`/`.ddbjson`/`.ddb.jsonl` DynamoDB JSON), after an optional " +
		"`.gz`, unless `format` says otherwise. Objects in S3 are named `s3://bucket/key`, with the same wildcards in the key " +
		"(e.g. `\"s3://seed-data/orders/*.jsonl.gz\"`), and read with the provider's AWS settings (see `s3_endpoint`); they are " +
		"validated like files, positions reading `s3://bucket/key:line`. Exactly one of `files` and `items` must be set."
	docFormat = "Overrides the format inferred from file extensions: `json` (one array of objects), `jsonl` (one object per line), " +
		"`csv` (header row; see `csv`), `dynamodb_json` (typed `{\"S\": ...}` values, one object per line or an array, " +
		"optionally in the S3 export shape `{\"Item\": {...}}`)."
	docItems = "Inline items: a JSON array of objects, usually `jsonencode([...])`. Plain JSON converts exactly: numbers keep " +
		"their decimal text, objects become maps, arrays lists. Exactly one of `files` and `items` must be set."
	docCSV        = "How CSV files are read. Every column is a string (`S`) unless `columns` types it."
	docCSVColumns = "Column types by column name: `S`, `N`, `B` (base64), `BOOL` (`true`/`false`), `NULL`, `SS`/`NS`/`BS` " +
		"(members separated by `set_separator`), `L`/`M` (a JSON array/object in the cell)."
	docCSVSetSeparator = "Separator between set members in one cell. Defaults to `;`."
	docCSVKeepEmpty    = "Keep empty cells of string columns as empty strings. By default (`false`) empty cells are left out of the item."
	docAttributeTypes  = "Type overrides for plain JSON input (files and `items`), by attribute name: e.g. `{ tags = \"SS\", avatar = \"B\" }` " +
		"makes a JSON array of strings a string set and a base64 string binary. One of " + strings.Join(itemTypes, ", ") + "."
	docPartitionKeyTmpl = "Template for the table's partition key, built from item attributes: `{name}` is the attribute's value, " +
		"`{shard}` the calculated shard suffix (see `shard_attribute`), `{{`/`}}` literal braces; e.g. `\"{tenant}#{shard}\"` or " +
		"`\"{date}:{user_id}\"`. Only for string keys. Unset: items carry the key attribute themselves."
	docSortKeyTmpl    = "Template for the table's sort key, like `partition_key`. Unset: items carry it themselves (if the table has one)."
	docShardAttribute = "Attribute whose value picks the write shard for `{shard}`: suffix = FNV-1a 64-bit hash of its value mod " +
		"`shard_count`, plus 1 (stable across machines and releases). Reads of one item stay direct: compute its suffix the same way."
	docShardCount  = fmt.Sprintf("Number of write shards for `{shard}`, from 2 to %d.", keys.MaxShardCount)
	docOnDuplicate = "What to do when two items end up with the same primary key: `error` (default; the plan fails naming both " +
		"records), `last_wins`, `first_wins`."
)

// Validators of the dataset-source attributes. The shard settings require each other; the
// caller gives the path of the other one (a root path in ddbload_dataset, a sibling in
// ddbload_partition_estimate's dataset).
func filesValidators() []validator.List {
	return []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}
}

func formatValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(formatNames...)}
}

func itemsValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(2)}
}

func itemTypeMapValidators() []validator.Map {
	return []validator.Map{mapvalidator.ValueStringsAre(stringvalidator.OneOf(itemTypes...))}
}

func setSeparatorValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

func shardAttributeValidators(shardCount path.Expression) []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.AlsoRequires(shardCount)}
}

func shardCountValidators(shardAttribute path.Expression) []validator.Int64 {
	return []validator.Int64{int64validator.Between(2, keys.MaxShardCount), int64validator.AlsoRequires(shardAttribute)}
}

func onDuplicateValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(defaultOnDuplicate, "last_wins", "first_wins")}
}

// Defaults and descriptions of the write settings, the same in ddbload_dataset and ddbload_load.
const (
	defaultOrder       = "interleave"
	defaultOnDuplicate = "error"
)

var (
	docOrder = "Write order. `interleave` (default) takes items round-robin across partition keys within a window of " +
		"up to 10,000 items and 8 MB, so consecutive batches hit different partitions even when the input is sorted by key (no rolling hot " +
		"partition); `shuffle` is a windowed shuffle seeded by `order_seed`; `preserve` keeps the input order."
	docOrderSeed     = "Seed of the `shuffle` order; the same seed gives the same order on every machine. Defaults to `0`."
	docConcurrency   = fmt.Sprintf("Concurrent BatchWriteItem writers. Defaults to `%d`; at most %d.", write.DefaultConcurrency, write.MaxConcurrency)
	docMaxWriteUnits = "Caps the load's write rate, in WCU/s (a token bucket charged with each batch's estimated WCU and " +
		"corrected with the consumed capacity DynamoDB reports). Unset: as fast as the table accepts, slowing down together " +
		"when DynamoDB throttles."
)

func orderValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(defaultOrder, "shuffle", "preserve")}
}

func concurrencyValidators() []validator.Int64 {
	return []validator.Int64{int64validator.Between(1, write.MaxConcurrency)}
}
