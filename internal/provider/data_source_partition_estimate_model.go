package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/estimate"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// partitionEstimateModel is ddbload_partition_estimate's configuration and state.
type partitionEstimateModel struct {
	ReadUnits                types.Int64           `tfsdk:"read_units_per_second"`
	WriteUnits               types.Int64           `tfsdk:"write_units_per_second"`
	BillingMode              types.String          `tfsdk:"billing_mode"`
	StorageGB                types.Float64         `tfsdk:"storage_gb"`
	ItemCount                types.Int64           `tfsdk:"item_count"`
	AverageItemBytes         types.Int64           `tfsdk:"average_item_bytes"`
	PartitionKeyCount        types.Int64           `tfsdk:"partition_key_count"`
	ShardCount               types.Int64           `tfsdk:"shard_count"`
	HottestKeyShare          types.Float64         `tfsdk:"hottest_key_share"`
	SortKeyMonotonic         types.Bool            `tfsdk:"sort_key_monotonic"`
	LSICount                 types.Int64           `tfsdk:"lsi_count"`
	LargestCollectionItems   types.Int64           `tfsdk:"largest_collection_items"`
	LargestCollectionGB      types.Float64         `tfsdk:"largest_collection_gb"`
	CollectionsWrittenAtOnce types.Bool            `tfsdk:"collections_written_at_once"`
	GSIs                     types.List            `tfsdk:"global_secondary_indexes"`
	PreviousPeakReadUnits    types.Int64           `tfsdk:"previous_peak_read_units_per_second"`
	PreviousPeakWriteUnits   types.Int64           `tfsdk:"previous_peak_write_units_per_second"`
	Prewarmed                types.Bool            `tfsdk:"prewarmed"`
	Engine                   types.String          `tfsdk:"engine"`
	TableName                types.String          `tfsdk:"table_name"`
	Dataset                  *estimateDatasetModel `tfsdk:"dataset"`
	Enforcement              types.String          `tfsdk:"enforcement"`
	Ignore                   types.List            `tfsdk:"ignore"`

	PartitionsForThroughput types.Int64   `tfsdk:"partitions_for_throughput"`
	PartitionsForStorage    types.Int64   `tfsdk:"partitions_for_storage"`
	Partitions              types.Int64   `tfsdk:"partitions"`
	ReadUnitsPerPartition   types.Float64 `tfsdk:"read_units_per_partition"`
	WriteUnitsPerPartition  types.Float64 `tfsdk:"write_units_per_partition"`
	PerKeyReadUnits         types.Float64 `tfsdk:"per_key_read_units"`
	PerKeyWriteUnits        types.Float64 `tfsdk:"per_key_write_units"`
	RequiredShards          types.Int64   `tfsdk:"required_shards"`
	AchievableReadUnits     types.Float64 `tfsdk:"achievable_read_units_per_second"`
	AchievableWriteUnits    types.Float64 `tfsdk:"achievable_write_units_per_second"`
	Findings                types.List    `tfsdk:"findings"`
	Report                  types.String  `tfsdk:"report"`
	DatasetStatistics       types.Object  `tfsdk:"dataset_statistics"`
}

// estimateDatasetModel is the dataset attribute: ddbload_dataset's source attributes and the
// key schema to read them against.
type estimateDatasetModel struct {
	datasetSourceModel
	KeySchema *keySchemaModel `tfsdk:"key_schema"`
}

type keySchemaModel struct {
	HashKey      types.String `tfsdk:"hash_key"`
	HashKeyType  types.String `tfsdk:"hash_key_type"`
	RangeKey     types.String `tfsdk:"range_key"`
	RangeKeyType types.String `tfsdk:"range_key_type"`
}

type estimateGSIModel struct {
	Name              types.String  `tfsdk:"name"`
	PartitionKeyCount types.Int64   `tfsdk:"partition_key_count"`
	HottestKeyShare   types.Float64 `tfsdk:"hottest_key_share"`
}

type findingModel struct {
	Code     types.String `tfsdk:"code"`
	Severity types.String `tfsdk:"severity"`
	Message  types.String `tfsdk:"message"`
	Input    types.String `tfsdk:"input"`
}

var findingTypes = map[string]attr.Type{
	"code": types.StringType, "severity": types.StringType, "message": types.StringType, "input": types.StringType,
}

type datasetStatsModel struct {
	Items                         types.Int64   `tfsdk:"items"`
	Bytes                         types.Int64   `tfsdk:"bytes"`
	DistinctPartitionKeys         types.Int64   `tfsdk:"distinct_partition_keys"`
	Approximate                   types.Bool    `tfsdk:"approximate"`
	HottestPartitionKey           types.String  `tfsdk:"hottest_partition_key"`
	HottestItemShare              types.Float64 `tfsdk:"hottest_item_share"`
	HottestByteShare              types.Float64 `tfsdk:"hottest_byte_share"`
	LargestCollectionPartitionKey types.String  `tfsdk:"largest_collection_partition_key"`
	LargestCollectionItems        types.Int64   `tfsdk:"largest_collection_items"`
	LargestCollectionBytes        types.Int64   `tfsdk:"largest_collection_bytes"`
}

var datasetStatsTypes = map[string]attr.Type{
	"items":                            types.Int64Type,
	"bytes":                            types.Int64Type,
	"distinct_partition_keys":          types.Int64Type,
	"approximate":                      types.BoolType,
	"hottest_partition_key":            types.StringType,
	"hottest_item_share":               types.Float64Type,
	"hottest_byte_share":               types.Float64Type,
	"largest_collection_partition_key": types.StringType,
	"largest_collection_items":         types.Int64Type,
	"largest_collection_bytes":         types.Int64Type,
}

// input maps the declared attributes onto the engine's input; the table and the dataset's
// statistics are added by Read.
func (m *partitionEstimateModel) input(ctx context.Context) (estimate.Input, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := estimate.Input{
		ReadUnits:                m.ReadUnits.ValueInt64(),
		WriteUnits:               m.WriteUnits.ValueInt64(),
		BillingMode:              m.BillingMode.ValueString(),
		StorageGB:                m.StorageGB.ValueFloat64(),
		ItemCount:                m.ItemCount.ValueInt64(),
		AverageItemBytes:         m.AverageItemBytes.ValueInt64(),
		PartitionKeys:            m.PartitionKeyCount.ValueInt64(),
		ShardCount:               m.ShardCount.ValueInt64(),
		HottestShare:             m.HottestKeyShare.ValueFloat64(),
		MonotonicSortKey:         m.SortKeyMonotonic.ValueBool(),
		LSICount:                 m.LSICount.ValueInt64(),
		LargestCollectionItems:   m.LargestCollectionItems.ValueInt64(),
		LargestCollectionGB:      m.LargestCollectionGB.ValueFloat64(),
		CollectionsWrittenAtOnce: m.CollectionsWrittenAtOnce.ValueBool(),
		PreviousPeakReadUnits:    m.PreviousPeakReadUnits.ValueInt64(),
		PreviousPeakWriteUnits:   m.PreviousPeakWriteUnits.ValueInt64(),
		Prewarmed:                m.Prewarmed.ValueBool(),
		Engine:                   m.Engine.ValueString(),
	}
	if !m.GSIs.IsNull() {
		var gsis []estimateGSIModel
		diags.Append(m.GSIs.ElementsAs(ctx, &gsis, false)...)
		for _, g := range gsis {
			in.GSIs = append(in.GSIs, estimate.GSI{
				Name: g.Name.ValueString(), PartitionKeys: g.PartitionKeyCount.ValueInt64(), HottestShare: g.HottestKeyShare.ValueFloat64(),
			})
		}
	}
	if !m.Ignore.IsNull() {
		var codes []string
		diags.Append(m.Ignore.ElementsAs(ctx, &codes, false)...)
		for _, c := range codes {
			in.Ignore = append(in.Ignore, estimate.Code(c))
		}
	}
	return in, diags
}

// keySchema is the primary key the dataset is read against: the live table's, else the
// declared one (ValidateConfig makes sure there is one).
func (ds *estimateDatasetModel) keySchema(t *tableinfo.Table) keys.Schema {
	if t != nil {
		return keys.SchemaFromTable(t)
	}
	ks := ds.KeySchema
	if ks == nil {
		return keys.Schema{}
	}
	typeOr := func(v types.String) string {
		if v.ValueString() == "" {
			return "S"
		}
		return v.ValueString()
	}
	s := keys.Schema{PartitionKey: keys.Attr{Name: ks.HashKey.ValueString(), Type: typeOr(ks.HashKeyType)}}
	if ks.RangeKey.ValueString() != "" {
		s.SortKey = &keys.Attr{Name: ks.RangeKey.ValueString(), Type: typeOr(ks.RangeKeyType)}
	}
	return s
}

// setResult fills the computed attributes. Configured values stay as they are; unset
// optional-computed ones take the values the estimate used.
func (m *partitionEstimateModel) setResult(ctx context.Context, r *estimate.Result, stats *loader.KeyStats) diag.Diagnostics {
	var diags diag.Diagnostics
	unitsOrNull := func(v int64) types.Int64 {
		if v <= 0 {
			return types.Int64Null()
		}
		return types.Int64Value(v)
	}
	if m.ReadUnits.IsNull() {
		m.ReadUnits = unitsOrNull(r.ReadUnits)
	}
	if m.WriteUnits.IsNull() {
		m.WriteUnits = unitsOrNull(r.WriteUnits)
	}
	if m.BillingMode.IsNull() {
		m.BillingMode = types.StringValue(r.BillingMode)
	}
	if m.StorageGB.IsNull() {
		m.StorageGB = types.Float64Value(r.StorageGB)
	}
	if m.ShardCount.IsNull() {
		m.ShardCount = types.Int64Value(r.ShardCount)
	}
	if m.LSICount.IsNull() {
		m.LSICount = types.Int64Value(r.LSICount)
	}
	if m.Enforcement.IsNull() {
		m.Enforcement = types.StringValue(string(estimate.EnforceError))
	}

	m.PartitionsForThroughput = types.Int64Value(r.PartitionsForThroughput)
	m.PartitionsForStorage = types.Int64Value(r.PartitionsForStorage)
	m.Partitions = types.Int64Value(r.Partitions)
	m.ReadUnitsPerPartition = types.Float64Value(r.ReadUnitsPerPartition)
	m.WriteUnitsPerPartition = types.Float64Value(r.WriteUnitsPerPartition)
	m.PerKeyReadUnits = types.Float64Value(r.PerKeyReadUnits)
	m.PerKeyWriteUnits = types.Float64Value(r.PerKeyWriteUnits)
	m.RequiredShards = unitsOrNull(r.RequiredShards)
	m.AchievableReadUnits = types.Float64PointerValue(r.AchievableReadUnits)
	m.AchievableWriteUnits = types.Float64PointerValue(r.AchievableWriteUnits)
	m.Report = types.StringValue(r.Report)

	findings := make([]findingModel, 0, len(r.Findings))
	for _, f := range r.Findings {
		findings = append(findings, findingModel{
			Code:     types.StringValue(string(f.Code)),
			Severity: types.StringValue(string(f.Severity)),
			Message:  types.StringValue(f.Message),
			Input:    types.StringValue(findingPath(f).String()),
		})
	}
	var d diag.Diagnostics
	m.Findings, d = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: findingTypes}, findings)
	diags.Append(d...)

	m.DatasetStatistics = types.ObjectNull(datasetStatsTypes)
	if stats != nil {
		s := datasetStatsModel{
			Items:                         types.Int64Value(stats.Items),
			Bytes:                         types.Int64Value(stats.Bytes),
			DistinctPartitionKeys:         types.Int64Value(stats.DistinctPartitionKeys),
			Approximate:                   types.BoolValue(stats.Approximate),
			HottestPartitionKey:           types.StringNull(),
			HottestItemShare:              types.Float64Null(),
			HottestByteShare:              types.Float64Null(),
			LargestCollectionPartitionKey: types.StringValue(keyValueText(stats.LargestCollection.PartitionKey)),
			LargestCollectionItems:        types.Int64Value(stats.LargestCollection.Items),
			LargestCollectionBytes:        types.Int64Value(stats.LargestCollection.Bytes),
		}
		if len(stats.Hottest) > 0 {
			h := stats.Hottest[0]
			s.HottestPartitionKey = types.StringValue(keyValueText(h.PartitionKey))
			s.HottestItemShare = types.Float64Value(h.ItemShare)
			s.HottestByteShare = types.Float64Value(h.ByteShare)
		}
		m.DatasetStatistics, d = types.ObjectValueFrom(ctx, datasetStatsTypes, s)
		diags.Append(d...)
	}
	return diags
}

// keyValueText is a KeyStats partition key ("S:alice") as its plain value: strings and
// numbers as they are, binary in base64.
func keyValueText(encoded string) string {
	if len(encoded) < 2 || encoded[1] != ':' {
		return encoded
	}
	if encoded[0] == 'B' {
		return base64.StdEncoding.EncodeToString([]byte(encoded[2:]))
	}
	return encoded[2:]
}

// findingPath is the attribute a finding concerns.
func findingPath(f estimate.Finding) path.Path {
	switch f.Input {
	case estimate.InputGSIs:
		if f.Index >= 0 {
			return path.Root(estimate.InputGSIs).AtListIndex(f.Index)
		}
	case "dataset.partition_key":
		return path.Root("dataset").AtName("partition_key")
	case "dataset.shard_count":
		return path.Root("dataset").AtName("shard_count")
	case "":
		return path.Empty()
	}
	return path.Root(f.Input)
}

// findingTitles are the diagnostics' summaries.
var findingTitles = map[estimate.Code]string{
	estimate.LSIHotCollection:  "Hot Item Collection Under an LSI",
	estimate.LSICollectionSize: "Item Collection Too Large for an LSI",
	estimate.TooFewShards:      "Too Few Partition-Key Shards",
	estimate.MonotonicSortKey:  "Hot Key With an Ever-Increasing Sort Key",
	estimate.GSIHotKey:         "Hot GSI Key",
	estimate.OnDemandColdStart: "On-Demand Table Starts Cold",
	estimate.Quota:             "Above the Default Table Quota",
	estimate.BulkPutGlobal:     "Bulk Put Refuses Global Tables",
	estimate.BulkPutMinRate:    "Write Rate Below The Bulk Put Minimum",
}

// findingDiagnostics turns findings into diagnostics on the attribute each concerns: errors
// fail the plan under enforcement "error"; everything else is a warning.
func findingDiagnostics(fs []estimate.Finding, e estimate.Enforcement) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range fs {
		summary := fmt.Sprintf("%s (%s)", findingTitles[f.Code], f.Code)
		detail := fmt.Sprintf("%s\n\nThe estimate is a heuristic (DynamoDB does not publish partition counts). To accept this "+
			"finding, add %q to ignore", f.Message, string(f.Code))
		if f.Severity == estimate.SeverityError && e != estimate.EnforceWarn {
			detail += ", or set enforcement = \"warn\" to report errors as warnings."
		} else {
			detail += "."
		}
		p := findingPath(f)
		switch {
		case f.Fails(e):
			diags.AddAttributeError(p, summary, detail)
		default:
			diags.AddAttributeWarning(p, summary, detail)
		}
	}
	return diags
}

// estimateDatasetErrorDiag turns an error reading the dataset into a diagnostic on the
// dataset attribute at fault.
func estimateDatasetErrorDiag(ds *estimateDatasetModel, haveTable bool, err error) diag.Diagnostic {
	base := path.Root("dataset")
	sourceAttr := base.AtName("files")
	if !ds.Items.IsNull() {
		sourceAttr = base.AtName("items")
	}
	var (
		se *source.SpecError
		ce *loader.ConfigError
	)
	if list, n := invalidRecordsDetail(err); n > 0 {
		return diag.NewAttributeErrorDiagnostic(sourceAttr, "Invalid Dataset",
			fmt.Sprintf("%s\n\nThe estimate reads the dataset exactly as ddbload_dataset would load it. Fix the %s (or the "+
				"settings that shape %s) and plan again.", list, plural(n, "record", "records"), plural(n, "it", "them")))
	}
	switch {
	case errors.As(err, &se):
		what := se.Reason
		if se.Key != "" {
			what = fmt.Sprintf("%q: %s", se.Key, se.Reason)
		}
		p := specAttribute(se.Field, sourceAttr)
		if !p.Equal(sourceAttr) {
			p = base.AtName(p.String())
		}
		return diag.NewAttributeErrorDiagnostic(p, "Invalid Dataset Source", what+".")
	case errors.As(err, &ce):
		p := optionAttribute(ce.Option)
		switch {
		case !p.Equal(path.Root("table_name")):
			p = base.AtName(p.String())
		case !haveTable:
			p = base.AtName("key_schema")
		}
		return diag.NewAttributeErrorDiagnostic(p, "Invalid Key Settings", ce.Reason+".")
	default:
		return diag.NewAttributeErrorDiagnostic(sourceAttr, "Cannot Read Dataset", err.Error())
	}
}
