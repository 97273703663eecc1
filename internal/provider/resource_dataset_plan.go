package provider

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/partition"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// ModifyPlan runs the engine's validate-only pass: invalid input fails the plan with its file,
// line and reason, and the plan shows the dataset's digest, item count and cost.
func (r *datasetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan datasetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *datasetModel
	if !req.State.Raw.IsNull() {
		state = &datasetModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if !plan.known() || r.data == nil {
		return // the computed values stay unknown until apply
	}
	opts, diags := plan.loaderOptions(ctx)
	r.data.withObjects(ctx, &opts.Source)
	resp.Diagnostics.Append(diags...)
	declared, haveDeclared, diags := declaredSchema(ctx, plan.KeySchema)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	table, diags := r.tableAtPlan(ctx, plan.TableName, haveDeclared)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.TableName.ValueString()
	var schema keys.Schema
	switch {
	case table != nil:
		schema = keys.SchemaFromTable(table)
		if haveDeclared {
			resp.Diagnostics.Append(checkDeclaredSchema(name, declared, schema)...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
	case haveDeclared:
		schema = declared
	default:
		// No key schema yet: validate what needs none; the rest waits for apply.
		if _, err := loader.ValidateUnkeyed(ctx, opts); err != nil {
			resp.Diagnostics.Append(datasetErrorDiag(&plan.datasetSourceModel, err))
		}
		return
	}
	params := converge.Params{Table: name, Schema: schema, Options: opts, Cache: validationCache()}
	if table != nil {
		// The table exists: an update reads back the items of the blocks it finds changed.
		if client, err := r.data.aws.Client(ctx); err == nil {
			params.Reader = client
		}
	}
	if state != nil {
		params.Prior, diags = getState(ctx, req.Private)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	validated, changes, err := converge.Preview(ctx, params)
	if err != nil {
		resp.Diagnostics.Append(datasetErrorDiag(&plan.datasetSourceModel, err))
		return
	}
	tflog.Debug(ctx, "Validated dataset", map[string]any{"table_name": name, "items": validated.Items, "wcu": validated.WriteUnits})
	unchanged := state != nil && state.ContentSHA256.ValueString() == validated.Digest
	plan.ContentSHA256 = types.StringValue(validated.Digest)
	plan.ItemCount = types.Int64Value(validated.Items)
	plan.EstimatedWriteUnits = types.Int64Value(validated.WriteUnits)
	engine, reason, err := selectEngine(&plan, table, changes)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("engine"), "Bulk Put Refuses Global Tables", err.Error())
		return
	}
	changeSeconds := types.Int64Unknown()
	if table != nil {
		rate := writeRate(table, plan.MaxWriteUnits)
		warnHotKey(resp, validated, rate, plan.ShardCount)
		timed := engine
		if unchanged { // the estimates stay the state's (below): no staging to work out
			timed = engineLocal
		}
		plan.EstimatedLoadSeconds, changeSeconds = engineEstimates(timed, opts, validated, changes, rate)
	} // else the table's capacity is known only once it exists: unknown until apply
	if guard := newPlanGuard(name, opts); guard != nil {
		prev, changed := guard.changedSincePlan(planNote{Files: hex.EncodeToString(fingerprint(validated)), Digest: validated.Digest,
			LoadSeconds: noteOf(plan.EstimatedLoadSeconds), ChangeSeconds: noteOf(changeSeconds), Changes: &changes})
		if changed {
			resp.Diagnostics.AddAttributeError(plan.sourceAttribute(), "Dataset Changed Since Plan",
				fmt.Sprintf("The files of the dataset for %q changed after terraform plan read them (content_sha256 %s at plan "+
					"time, %s now), so this apply would not do what the plan showed. Nothing was written. Run terraform plan "+
					"(or terraform apply) again to load the files as they are now.", name, prev.Digest, validated.Digest))
			return
		}
		if prev != nil { // this run's final plan: the estimates stay as planned, whatever the capacity now
			if v, ok := prev.LoadSeconds.value(); ok {
				plan.EstimatedLoadSeconds = v
			}
			if v, ok := prev.ChangeSeconds.value(); ok {
				changeSeconds = v
			}
			if prev.Changes != nil {
				changes = *prev.Changes
			}
		}
	}
	// Unknown while the table does not exist yet: auto decides at apply.
	plan.SelectedEngine, plan.SelectedEngineReason = types.StringUnknown(), types.StringUnknown()
	if engine != "" {
		plan.SelectedEngine, plan.SelectedEngineReason = types.StringValue(engine), types.StringValue(reason)
	}
	if unchanged {
		// The capacity may have changed since; an estimate alone is no reason for an update.
		plan.EstimatedLoadSeconds = state.EstimatedLoadSeconds
		plan.PlannedChanges = state.PlannedChanges
		if plan.Engine.Equal(state.Engine) { // nothing to write: no engine runs
			plan.SelectedEngine, plan.SelectedEngineReason = state.SelectedEngine, state.SelectedEngineReason
		}
	} else {
		plan.LastLoad = types.ObjectUnknown(lastLoadTypes)
		plan.PlannedChanges, diags = plannedChangesValue(ctx, changes, changeSeconds)
		resp.Diagnostics.Append(diags...)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// tableAtPlan describes the table when its name and the provider's settings are known and it
// exists; nil otherwise. A table that does not exist yet gets a warning unless the key schema is
// declared (then the plan validates against the declaration).
func (r *datasetResource) tableAtPlan(ctx context.Context, name types.String, declared bool) (*tableinfo.Table, diag.Diagnostics) {
	var diags diag.Diagnostics
	if name.IsUnknown() {
		return nil, nil
	}
	client, err := r.data.aws.Client(ctx)
	if errors.Is(err, awsclient.ErrUnknownConfig) {
		return nil, nil
	}
	if err != nil {
		diags.Append(clientErrorDiag(err))
		return nil, diags
	}
	table, err := tableinfo.Describe(ctx, client, name.ValueString())
	var nf *tableinfo.NotFoundError
	if errors.As(err, &nf) {
		if !declared {
			diags.AddAttributeWarning(path.Root("table_name"), "Table Not Found At Plan Time",
				fmt.Sprintf("Table %q does not exist yet, so the plan checks only what needs no key schema; keys and duplicates are "+
					"checked at apply. If another resource creates it in this apply, that is expected: set key_schema to have the "+
					"plan check everything.", name.ValueString()))
		}
		return nil, diags
	}
	if err != nil {
		diags.Append(tableErrorDiag(name.ValueString(), err))
		return nil, diags
	}
	return table, diags
}

// fingerprint is the SHA-256 of the bytes validated into v.
func fingerprint(v *loader.Validated) []byte {
	f := v.FilesFingerprint()
	return f[:]
}

// writeRate is the rate a load can reach, in WCU/s: the table's provisioned write capacity,
// or its warm throughput when on-demand, capped by max_write_units_per_second; 0 if unknown.
func writeRate(t *tableinfo.Table, capWCU types.Int64) float64 {
	rate := 0.0
	switch {
	case t.BillingMode == "PROVISIONED":
		rate = float64(t.Provisioned.WriteUnits)
	case t.WarmThroughput != nil && t.WarmThroughput.WriteUnits > 0:
		rate = float64(t.WarmThroughput.WriteUnits)
	}
	if c := float64(capWCU.ValueInt64()); c > 0 && (rate == 0 || c < rate) {
		rate = c
	}
	return rate
}

// stagingBytesPerSecond is the pace, in bytes of items (DynamoDB's item size), at which an
// apply stages items for a bulk put: it reads them again, encodes them as DynamoDB JSON,
// compresses and uploads them. On the 2-core benchmark machine 1,000,000 items of 133 bytes
// took 6.5 to 8.5 s, 15.6 to 20.3 MB/s (BENCHMARKS.md, "Bulk put staging pace"); machines and
// data differ, so it is a rough figure, about the slowest pace measured.
const stagingBytesPerSecond = 16_000_000

// bulkPollSeconds is how late an apply may see that a bulk put ended: once the operation has
// run a while, it asks every 10 s.
const bulkPollSeconds = 10

// engineEstimates are the plan's time estimates, for a full load and for changes: the table's
// time at rate, and for the bulk_put engine the staging of the items it stages (none when the
// operation reads the dataset's own objects) and the last poll.
func engineEstimates(engine string, o loader.Options, v *loader.Validated, c converge.Changes, rate float64) (full, change types.Int64) {
	full, change = estimateSeconds(v, rate), estimateSecondsOf(c.WriteUnits, v, rate)
	if engine != engineBulkPut {
		return full, change
	}
	// Whether the operation can read the dataset's own objects is asked of S3 once: an update
	// that writes fewer items than the dataset has stages them without asking.
	staged := converge.StagedBytes(o, v, converge.Changes{Write: v.Items})
	full = withStaging(full, staged, v.Items)
	if c.Write != v.Items {
		staged = converge.StagedBytes(o, v, c)
	}
	return full, withStaging(change, staged, c.Write)
}

// withStaging adds to seconds the time to stage bytes and, when an operation runs (it has
// items to write), the last poll.
func withStaging(seconds types.Int64, bytes, writes int64) types.Int64 {
	if seconds.IsNull() || seconds.IsUnknown() || writes == 0 {
		return seconds
	}
	return types.Int64Value(seconds.ValueInt64() + int64(math.Ceil(float64(bytes)/stagingBytesPerSecond)) + bulkPollSeconds)
}

// estimateSeconds divides the load's WCU by the rate, where the hottest partition key can take
// no more than one partition's 1,000 WCU/s.
func estimateSeconds(v *loader.Validated, rate float64) types.Int64 {
	return estimateSecondsOf(v.WriteUnits, v, rate)
}

// estimateSecondsOf is estimateSeconds for wcu of the dataset's writes (an update's share).
func estimateSecondsOf(wcu int64, v *loader.Validated, rate float64) types.Int64 {
	if rate <= 0 {
		return types.Int64Null()
	}
	if len(v.Keys.Hottest) > 0 && v.Keys.Hottest[0].ItemShare > 0 {
		rate = math.Min(rate, partition.PartitionWCU/v.Keys.Hottest[0].ItemShare)
	}
	return types.Int64Value(int64(math.Ceil(float64(wcu) / rate)))
}

// hotKeyMinDelay is the least extra load time, in seconds, that a hot partition key must cost
// before the plan warns about it: a key that makes a 0.1 s load take 3 s is not worth a
// warning, and a key needs more than 10,000 WCU of the dataset to cost 10 s. It must also
// lengthen the load by at least a quarter (hotKeyMinSlowdown), so a two-hour load is not
// flagged for a minute.
const (
	hotKeyMinDelay    = 10.0
	hotKeyMinSlowdown = 0.25
)

// warnHotKey warns when the dataset's hottest partition key limits the load meaningfully: at
// the rate the load will run, that key needs more than one partition's 1,000 WCU/s, and
// writing its share of the WCU at 1,000 WCU/s takes at least hotKeyMinDelay seconds and a
// quarter longer than the whole load would take at the table's rate. Small datasets never
// warn, however skewed.
func warnHotKey(resp *resource.ModifyPlanResponse, v *loader.Validated, rate float64, shardCount types.Int64) {
	if rate <= 0 || len(v.Keys.Hottest) == 0 {
		return
	}
	hot := v.Keys.Hottest[0]
	demand := hot.ItemShare * rate
	tableSeconds := float64(v.WriteUnits) / rate
	keySeconds := hot.ItemShare * float64(v.WriteUnits) / partition.PartitionWCU
	delay := keySeconds - tableSeconds
	if demand <= partition.PartitionWCU || delay < hotKeyMinDelay || delay < hotKeyMinSlowdown*tableSeconds {
		return
	}
	need := partition.RequiredShards(hot.ItemShare, 0, rate)
	advice := fmt.Sprintf("Shard the key: partition_key = \"{...}#{shard}\" with shard_attribute and shard_count = %d or more", need)
	if n := shardCount.ValueInt64(); n > 0 {
		// The hot value is one shard of a logical key already split n ways: the logical key
		// needs n times what this shard needs.
		advice = fmt.Sprintf("Raise shard_count from %d to %d or more", n, n*need)
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("partition_key"), "Hot Partition Key",
		fmt.Sprintf("Partition key %s holds %.0f%% of the items (%d of %d). At %.0f WCU/s it would need %.0f WCU/s, but one partition "+
			"serves at most %.0f, so writing that key alone takes about %s, where the table's rate would load the whole dataset in "+
			"about %s: the load runs at that key's pace (about %.0f%% of the table's rate). %s, or accept the longer load.",
			loader.PartitionKeyText(hot.PartitionKey), hot.ItemShare*100, hot.Items, v.Items, rate, demand, partition.PartitionWCU,
			roughDuration(keySeconds), roughDuration(tableSeconds), 100*partition.PartitionWCU/demand, advice))
}

// roughDuration is seconds rounded for a message: "45s", "12m30s", "2h5m0s".
func roughDuration(seconds float64) string {
	d := time.Duration(seconds * float64(time.Second))
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
