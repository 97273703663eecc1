package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/bulkput"
	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// The engines of ddbload_dataset.
const (
	engineLocal   = "local"    // BatchWriteItem from the machine running Terraform
	engineBulkPut = "bulk_put" // DynamoDB's StartBulkPutItems, from items staged in S3
	engineAuto    = "auto"     // bulk_put for large writes when staging is set, local otherwise

	defaultStagingPrefix = "ddbload/"
	// autoBulkWriteUnits is the planned write units from which auto picks bulk_put: about 10 GB
	// of items, more than one apply should stream through a CI runner.
	autoBulkWriteUnits = 10_000_000
)

var (
	docEngine = fmt.Sprintf("Which engine writes the items: `%s` (the default, when unset) sends them with `BatchWriteItem` from the machine running "+
		"Terraform; `%s` stages them in S3 (see `staging`) and has DynamoDB load them with its distributed bulk put "+
		"(`StartBulkPutItems`), so they do not stream through that machine; `%s` picks `%s` when `staging` is set, the table is not "+
		"a global table, and the planned writes come to at least %s write units (about 10 GB), `%s` otherwise. `selected_engine` shows "+
		"the choice in the plan. Removed items are deleted with `BatchWriteItem` whatever the engine, as bulk put only puts. See the "+
		"guide *Loading large datasets*.", engineLocal, engineBulkPut, engineAuto, engineBulkPut, "10,000,000", engineLocal)
	docStaging = "Where `bulk_put` stages the items to write, as gzip DynamoDB JSON parts: one folder per operation under " +
		"`s3://<bucket>/<prefix><table name>/`, named by the operation's client token, with the operation's error report beside " +
		"the input. The input is deleted once the operation completed. Required for `engine = \"bulk_put\"`."
	docSelectedEngine = fmt.Sprintf("The engine the apply uses: `%s` or `%s`, as `engine` decides for this plan's writes. "+
		"Unknown in the plan when `engine = \"%s\"` and the table does not exist yet.", engineLocal, engineBulkPut, engineAuto)
	docSelectedEngineReason = "Why `selected_engine` is what it is, e.g. `auto: 12,500,000 planned write units, at least 10,000,000`."
)

// bulkPutConfig checks the configuration of the bulk_put engine without the table: staging
// is required, and its rate has a floor.
type bulkPutConfig struct{}

func (bulkPutConfig) Description(context.Context) string {
	return "engine = \"bulk_put\" needs staging and a max_write_units_per_second of at least 1,024"
}

func (v bulkPutConfig) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (bulkPutConfig) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var engine types.String
	var staging types.Object
	var rate types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("engine"), &engine)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("staging"), &staging)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("max_write_units_per_second"), &rate)...)
	if resp.Diagnostics.HasError() || engine.IsUnknown() {
		return
	}
	switch engine.ValueString() {
	case engineBulkPut:
		if staging.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("staging"), "Bulk Put Needs Staging",
				"engine = \"bulk_put\" stages the items in S3 for DynamoDB to load: set staging = { bucket = \"...\" } to a bucket in the table's region.")
		}
		fallthrough
	case engineAuto:
		if !rate.IsNull() && !rate.IsUnknown() && rate.ValueInt64() < bulkput.MinWriteUnits {
			summary := "Write Rate Below The Bulk Put Minimum"
			detail := fmt.Sprintf("max_write_units_per_second = %d is below %d, the least rate a bulk put takes "+
				"(StartBulkPutItems' MaxWriteRequestUnits).", rate.ValueInt64(), bulkput.MinWriteUnits)
			if engine.ValueString() == engineAuto {
				resp.Diagnostics.AddAttributeWarning(path.Root("max_write_units_per_second"), summary,
					detail+" With engine = \"auto\" the local engine is used whatever the dataset's size.")
				return
			}
			resp.Diagnostics.AddAttributeError(path.Root("max_write_units_per_second"), summary,
				detail+" Raise it, or use engine = \"local\" for a slower load.")
		}
	}
}

// selectEngine is the engine m's writes use on table, planned at changes, and why; "" when it
// cannot be told yet (the table does not exist). An error names why bulk_put cannot run.
func selectEngine(m *datasetModel, table *tableinfo.Table, changes converge.Changes) (engine, reason string, err error) {
	switch m.Engine.ValueString() {
	case engineBulkPut:
		if table != nil && table.Global() {
			return "", "", fmt.Errorf("%s is a global table (replicas in %v), and bulk put does not load global tables: use engine = \"local\"",
				table.Name, table.Replicas)
		}
		return engineBulkPut, "engine = \"bulk_put\"", nil
	case engineAuto:
		switch {
		case m.Staging.IsNull():
			return engineLocal, "auto: staging is not set", nil
		case !m.MaxWriteUnits.IsNull() && m.MaxWriteUnits.ValueInt64() < bulkput.MinWriteUnits:
			return engineLocal, fmt.Sprintf("auto: max_write_units_per_second is below bulk put's minimum of %d", bulkput.MinWriteUnits), nil
		case table == nil:
			return "", "", nil
		case table.Global():
			return engineLocal, "auto: the table is a global table, which bulk put does not load", nil
		case changes.WriteUnits < autoBulkWriteUnits:
			return engineLocal, fmt.Sprintf("auto: %s planned write units, below %s", thousands(changes.WriteUnits), thousands(autoBulkWriteUnits)), nil
		}
		return engineBulkPut, fmt.Sprintf("auto: %s planned write units, at least %s", thousands(changes.WriteUnits), thousands(autoBulkWriteUnits)), nil
	}
	return engineLocal, "engine is not set: local", nil
}

// staging reads m's staging; ok is false when it is not set.
func (m *datasetModel) staging(ctx context.Context) (stagingModel, bool) {
	var s stagingModel
	if m.Staging.IsNull() || m.Staging.IsUnknown() {
		return s, false
	}
	if d := m.Staging.As(ctx, &s, objectAsOptions); d.HasError() {
		return s, false
	}
	return s, true
}
