package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

var (
	_ datasource.DataSource              = (*tableDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*tableDataSource)(nil)
)

// NewTableDataSource returns the ddbload_table data source.
func NewTableDataSource() datasource.DataSource {
	return &tableDataSource{}
}

type tableDataSource struct {
	data *providerData
}

type tableModel struct {
	Name                  types.String         `tfsdk:"name"`
	ARN                   types.String         `tfsdk:"arn"`
	Status                types.String         `tfsdk:"status"`
	PartitionKey          *keyModel            `tfsdk:"partition_key"`
	SortKey               *keyModel            `tfsdk:"sort_key"`
	BillingMode           types.String         `tfsdk:"billing_mode"`
	LastSwitchToOnDemand  types.String         `tfsdk:"last_switch_to_on_demand"`
	ReadCapacityUnits     types.Int64          `tfsdk:"read_capacity_units"`
	WriteCapacityUnits    types.Int64          `tfsdk:"write_capacity_units"`
	WarmThroughput        *warmThroughputModel `tfsdk:"warm_throughput"`
	ItemCount             types.Int64          `tfsdk:"item_count"`
	SizeBytes             types.Int64          `tfsdk:"size_bytes"`
	LocalSecondaryIndexes []lsiModel           `tfsdk:"local_secondary_indexes"`
	GlobalSecondaryIdx    []gsiModel           `tfsdk:"global_secondary_indexes"`
}

type keyModel struct {
	Name types.String `tfsdk:"name"`
	Type types.String `tfsdk:"type"`
}

type warmThroughputModel struct {
	ReadUnitsPerSecond  types.Int64  `tfsdk:"read_units_per_second"`
	WriteUnitsPerSecond types.Int64  `tfsdk:"write_units_per_second"`
	Status              types.String `tfsdk:"status"`
}

type lsiModel struct {
	Name           types.String `tfsdk:"name"`
	SortKey        *keyModel    `tfsdk:"sort_key"`
	ProjectionType types.String `tfsdk:"projection_type"`
}

type gsiModel struct {
	Name               types.String         `tfsdk:"name"`
	PartitionKey       *keyModel            `tfsdk:"partition_key"`
	SortKey            *keyModel            `tfsdk:"sort_key"`
	ProjectionType     types.String         `tfsdk:"projection_type"`
	Status             types.String         `tfsdk:"status"`
	ReadCapacityUnits  types.Int64          `tfsdk:"read_capacity_units"`
	WriteCapacityUnits types.Int64          `tfsdk:"write_capacity_units"`
	WarmThroughput     *warmThroughputModel `tfsdk:"warm_throughput"`
}

func (d *tableDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_table"
}

func keyAttribute(what string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: what,
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Computed: true, MarkdownDescription: "Attribute name."},
			"type": schema.StringAttribute{Computed: true, MarkdownDescription: "Attribute type: `S` (string), `N` (number) or `B` (binary)."},
		},
	}
}

func warmThroughputAttribute(of string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "Warm throughput of the " + of + " as DynamoDB reports it: the rates it can serve instantly. " +
			"Null when the endpoint does not report warm throughput (DynamoDB Local, dynalite).",
		Attributes: map[string]schema.Attribute{
			"read_units_per_second":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Read units per second."},
			"write_units_per_second": schema.Int64Attribute{Computed: true, MarkdownDescription: "Write units per second."},
			"status":                 schema.StringAttribute{Computed: true, MarkdownDescription: "`ACTIVE` or `UPDATING`."},
		},
	}
}

func (d *tableDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing DynamoDB table with one `DescribeTable` call: key schema, indexes, capacity mode, " +
			"provisioned and warm throughput, size. Use it to check which table a configuration points at, or to feed its " +
			"numbers into other resources.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the table.",
				Validators:          []validator.String{stringvalidator.LengthBetween(3, 255)},
			},
			"arn":           schema.StringAttribute{Computed: true, MarkdownDescription: "ARN of the table."},
			"status":        schema.StringAttribute{Computed: true, MarkdownDescription: "Table status: `ACTIVE`, `CREATING`, `UPDATING`, ..."},
			"partition_key": keyAttribute("The table's partition (hash) key."),
			"sort_key":      keyAttribute("The table's sort (range) key; null when the table has none."),
			"billing_mode": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`PROVISIONED` or `PAY_PER_REQUEST` (on-demand).",
			},
			"last_switch_to_on_demand": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "When the table last switched to on-demand (RFC 3339), null if never. A provisioned table may switch " +
					"to on-demand at most 4 times in a rolling 24 hours.",
			},
			"read_capacity_units": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Provisioned read capacity, in RCU. `0` for on-demand tables.",
			},
			"write_capacity_units": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Provisioned write capacity, in WCU. `0` for on-demand tables.",
			},
			"warm_throughput": warmThroughputAttribute("table"),
			"item_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of items, as DynamoDB reports it (updated about every six hours).",
			},
			"size_bytes": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Table size in bytes, as DynamoDB reports it (updated about every six hours).",
			},
			"local_secondary_indexes": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Local secondary indexes. With at least one LSI every item collection is capped at 10 GB and " +
					"stays on one partition (no split for heat).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":            schema.StringAttribute{Computed: true, MarkdownDescription: "Index name."},
					"sort_key":        keyAttribute("The index's sort key."),
					"projection_type": schema.StringAttribute{Computed: true, MarkdownDescription: "`ALL`, `KEYS_ONLY` or `INCLUDE`."},
				}},
			},
			"global_secondary_indexes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Global secondary indexes, each with its own keys, capacity and partitions.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":                 schema.StringAttribute{Computed: true, MarkdownDescription: "Index name."},
					"partition_key":        keyAttribute("The index's partition key."),
					"sort_key":             keyAttribute("The index's sort key; null when it has none."),
					"projection_type":      schema.StringAttribute{Computed: true, MarkdownDescription: "`ALL`, `KEYS_ONLY` or `INCLUDE`."},
					"status":               schema.StringAttribute{Computed: true, MarkdownDescription: "Index status: `ACTIVE`, `CREATING`, `UPDATING`, ..."},
					"read_capacity_units":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Provisioned read capacity, in RCU (`0` on-demand)."},
					"write_capacity_units": schema.Int64Attribute{Computed: true, MarkdownDescription: "Provisioned write capacity, in WCU (`0` on-demand)."},
					"warm_throughput":      warmThroughputAttribute("index"),
				}},
			},
		},
	}
}

func (d *tableDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // not configured yet (validation)
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			"The ddbload_table data source received provider data of an unexpected type. This is a bug in the provider; please report it.")
		return
	}
	d.data = data
}

func (d *tableDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tableModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := d.data.dynamoClient(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	name := m.Name.ValueString()
	t, err := tableinfo.Describe(ctx, client, name)
	if err != nil {
		resp.Diagnostics.Append(tableErrorDiag(name, err))
		return
	}
	tflog.Debug(ctx, "Described table", map[string]any{"table_name": name, "status": t.Status, "billing_mode": t.BillingMode})

	resp.Diagnostics.Append(resp.State.Set(ctx, tableModelFrom(t))...)
}

func tableModelFrom(t *tableinfo.Table) *tableModel {
	m := &tableModel{
		Name:                 types.StringValue(t.Name),
		ARN:                  types.StringValue(t.ARN),
		Status:               types.StringValue(t.Status),
		PartitionKey:         keyModelFrom(&t.PartitionKey),
		SortKey:              keyModelFrom(t.SortKey),
		BillingMode:          types.StringValue(t.BillingMode),
		LastSwitchToOnDemand: types.StringNull(),
		ReadCapacityUnits:    types.Int64Value(t.Provisioned.ReadUnits),
		WriteCapacityUnits:   types.Int64Value(t.Provisioned.WriteUnits),
		WarmThroughput:       warmModelFrom(t.WarmThroughput),
		ItemCount:            types.Int64Value(t.ItemCount),
		SizeBytes:            types.Int64Value(t.SizeBytes),
		// Empty lists, not null, so `length(...)` works on tables without indexes.
		LocalSecondaryIndexes: []lsiModel{},
		GlobalSecondaryIdx:    []gsiModel{},
	}
	if t.LastSwitchToOnDemand != nil {
		m.LastSwitchToOnDemand = types.StringValue(t.LastSwitchToOnDemand.UTC().Format(time.RFC3339))
	}
	for _, ix := range t.LocalIndexes {
		m.LocalSecondaryIndexes = append(m.LocalSecondaryIndexes, lsiModel{
			Name:           types.StringValue(ix.Name),
			SortKey:        keyModelFrom(ix.SortKey),
			ProjectionType: types.StringValue(ix.ProjectionType),
		})
	}
	for _, ix := range t.GlobalIndexes {
		m.GlobalSecondaryIdx = append(m.GlobalSecondaryIdx, gsiModel{
			Name:               types.StringValue(ix.Name),
			PartitionKey:       keyModelFrom(&ix.PartitionKey),
			SortKey:            keyModelFrom(ix.SortKey),
			ProjectionType:     types.StringValue(ix.ProjectionType),
			Status:             types.StringValue(ix.Status),
			ReadCapacityUnits:  types.Int64Value(ix.Provisioned.ReadUnits),
			WriteCapacityUnits: types.Int64Value(ix.Provisioned.WriteUnits),
			WarmThroughput:     warmModelFrom(ix.WarmThroughput),
		})
	}
	return m
}

func keyModelFrom(k *tableinfo.Key) *keyModel {
	if k == nil {
		return nil
	}
	return &keyModel{Name: types.StringValue(k.Name), Type: types.StringValue(k.Type)}
}

func warmModelFrom(w *tableinfo.WarmThroughput) *warmThroughputModel {
	if w == nil {
		return nil
	}
	return &warmThroughputModel{
		ReadUnitsPerSecond:  types.Int64Value(w.ReadUnits),
		WriteUnitsPerSecond: types.Int64Value(w.WriteUnits),
		Status:              types.StringValue(w.Status),
	}
}
