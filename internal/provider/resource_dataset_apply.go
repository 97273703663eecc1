package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// Default operation timeouts; the timeouts attribute overrides them.
const (
	defaultWriteTimeout  = 60 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
)

func (r *datasetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m datasetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	m.ID = types.StringValue(m.TableName.ValueString() + "/" + randomSuffix())
	resp.Diagnostics.Append(r.converge(ctx, &m, nil, resp.Private, timeout)...)
	if m.ContentSHA256.IsUnknown() {
		return // nothing was written: no state
	}
	// Also after an error: the state records what was written, so nothing is orphaned.
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *datasetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior datasetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Update(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if !m.ContentSHA256.IsUnknown() && m.ContentSHA256.Equal(prior.ContentSHA256) {
		// Only settings changed (concurrency, timeouts, ...): the table is already right.
		if m.SelectedEngine.IsUnknown() {
			m.SelectedEngine, m.SelectedEngineReason = prior.SelectedEngine, prior.SelectedEngineReason
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	resp.Diagnostics.Append(r.converge(ctx, &m, req.Private, resp.Private, timeout)...)
	if m.ContentSHA256.IsUnknown() {
		m.ContentSHA256 = prior.ContentSHA256 // nothing was written: the table is as before
		m.LastLoad = prior.LastLoad
		m.ItemCount, m.EstimatedWriteUnits, m.EstimatedLoadSeconds = prior.ItemCount, prior.EstimatedWriteUnits, prior.EstimatedLoadSeconds
		m.PlannedChanges = prior.PlannedChanges
		m.SelectedEngine, m.SelectedEngineReason = prior.SelectedEngine, prior.SelectedEngineReason
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *datasetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m datasetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.TableName.ValueString()
	if m.OnDestroy.ValueString() == "retain" {
		tflog.Info(ctx, "Leaving the loaded items in the table (on_destroy = retain)", map[string]any{"table_name": name})
		return
	}
	timeout, diags := m.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	st, diags := getState(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || (st.Ledger.Len() == 0 && st.Unconfirmed.Len() == 0) {
		return
	}
	client, diags := r.data.dynamoClient(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	table, err := tableinfo.Describe(ctx, client, name)
	var nf *tableinfo.NotFoundError
	if errors.As(err, &nf) {
		tflog.Info(ctx, "Table is gone; nothing to delete", map[string]any{"table_name": name})
		return
	}
	if err != nil {
		resp.Diagnostics.Append(tableErrorDiag(name, err))
		return
	}
	deleted, total, err := converge.Destroy(ctx, client, name, keys.SchemaFromTable(table), st, writeOptions(&m))
	tflog.Info(ctx, "Deleted the loaded items", map[string]any{"table_name": name, "items": deleted})
	if err != nil {
		resp.Diagnostics.AddError("Delete Failed",
			fmt.Sprintf("Deleting the %s this dataset loaded into %q stopped after %d: %v. Run terraform destroy again to finish; "+
				"deleting an item that is already gone is harmless.", countOf(total, "item", "items"), name, deleted, err))
	}
}

// converge makes the table hold the dataset m describes (converge.Apply) and records in
// newPrivate what the table then holds of it, also when the load stopped early. It fills m's
// computed values. On failure m.ContentSHA256 is "incomplete" (some writes happened) or
// unknown (none did).
func (r *datasetResource) converge(ctx context.Context, m *datasetModel, oldPrivate privateGetter, newPrivate privateSetter, timeout time.Duration) diag.Diagnostics {
	var diags diag.Diagnostics
	planned := m.ContentSHA256
	m.ContentSHA256 = types.StringUnknown()
	name := m.TableName.ValueString()
	client, d := r.data.dynamoClient(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	table, err := tableinfo.Describe(ctx, client, name)
	if err != nil {
		diags.Append(tableErrorDiag(name, err))
		return diags
	}
	opts, d := m.loaderOptions(ctx)
	r.data.withObjects(ctx, &opts.Source)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	p := converge.Params{Table: name, Schema: keys.SchemaFromTable(table), Options: opts, Cache: validationCache()}
	declared, haveDeclared, d := declaredSchema(ctx, m.KeySchema)
	diags.Append(d...)
	if haveDeclared {
		diags.Append(checkDeclaredSchema(name, declared, p.Schema)...)
	}
	if diags.HasError() {
		return diags
	}
	if oldPrivate != nil {
		p.Prior, d = getState(ctx, oldPrivate)
		diags.Append(d...)
		if diags.HasError() {
			return diags
		}
	}
	if !planned.IsUnknown() && !planned.IsNull() {
		p.PlannedDigest = planned.ValueString()
	}
	p.Options.Logger = newTFLogger(ctx)
	diags.Append(r.engineAtApply(ctx, m, table, p)...)
	if diags.HasError() {
		return diags
	}
	engine := m.SelectedEngine.ValueString()
	if engine == engineBulkPut {
		return append(diags, r.convergeBulk(ctx, m, client, table, p, newPrivate, timeout)...)
	}
	tflog.Info(ctx, "Loading dataset", map[string]any{"table_name": name, "resuming": p.Prior.Resume != nil,
		"rewrite_all": p.Prior.Drifted || p.Prior.Ledger == nil, "unconfirmed": p.Prior.Unconfirmed.Len()})

	out, err := converge.Apply(ctx, client, p)
	if guard := newPlanGuard(name, opts); guard != nil {
		guard.forget() // this plan is applied: a later plan of the same terraform process is another
	}
	if out.Load == nil { // nothing was written
		var ce *converge.ChangedSincePlanError
		if errors.As(err, &ce) {
			diags.AddError("Dataset Changed Since Plan",
				fmt.Sprintf("The dataset for %q is not the one the plan showed (content_sha256 %s at plan time, %s now): its files "+
					"changed in between. Nothing was written. Run terraform plan and apply again.", name, ce.Planned, ce.Now))
			return diags
		}
		diags.Append(datasetErrorDiag(&m.datasetSourceModel, err))
		return diags
	}

	// Record what the table now holds from this dataset, even if the load stopped early.
	diags.Append(setState(ctx, newPrivate, out.State)...)
	validated, res := out.Validated, out.Load
	m.ItemCount = types.Int64Value(validated.Items)
	m.EstimatedWriteUnits = types.Int64Value(validated.WriteUnits)
	rate := writeRate(table, m.MaxWriteUnits)
	if m.EstimatedLoadSeconds.IsUnknown() {
		m.EstimatedLoadSeconds = estimateSeconds(validated, rate)
	}
	if m.PlannedChanges.IsUnknown() {
		m.PlannedChanges, d = plannedChangesValue(ctx, out.Changes, estimateSecondsOf(out.Changes.WriteUnits, validated, rate))
		diags.Append(d...)
	}
	last, d := lastLoadValue(ctx, res, out.Deleted)
	diags.Append(d...)
	m.LastLoad = last

	if err != nil {
		m.ContentSHA256 = types.StringValue(contentIncomplete)
		diags.Append(interruptedDiag(m, err, out, timeout))
		return diags
	}
	m.ContentSHA256 = types.StringValue(validated.Digest)
	tflog.Info(ctx, "Loaded dataset", map[string]any{"table_name": name, "items": res.Stats.Written, "unchanged": res.Unchanged,
		"deleted": out.Deleted, "wcu": res.Stats.WCUConsumed, "throttled": res.Stats.Throttled, "seconds": res.Stats.Duration.Seconds()})
	return diags
}

// engineAtApply sets m's selected engine: the one the plan selected, or, when the plan could
// not tell (the table did not exist yet), the one selectEngine picks now.
func (r *datasetResource) engineAtApply(ctx context.Context, m *datasetModel, table *tableinfo.Table, p converge.Params) diag.Diagnostics {
	var diags diag.Diagnostics
	if v := m.SelectedEngine; !v.IsUnknown() && !v.IsNull() && v.ValueString() != "" {
		if v.ValueString() == engineBulkPut && table.Global() {
			diags.AddAttributeError(path.Root("engine"), "Bulk Put Refuses Global Tables",
				fmt.Sprintf("%s is now a global table (replicas in %v), and bulk put does not load global tables: use engine = \"local\".", table.Name, table.Replicas))
		}
		return diags
	}
	var changes converge.Changes
	if m.Engine.ValueString() == engineAuto {
		var err error
		if _, changes, err = converge.Preview(ctx, p); err != nil {
			m.SelectedEngine, m.SelectedEngineReason = types.StringValue(engineLocal), types.StringValue("auto: the dataset did not validate")
			return diags // the local path reports why
		}
	}
	engine, reason, err := selectEngine(m, table, changes)
	if err != nil {
		diags.AddAttributeError(path.Root("engine"), "Bulk Put Refuses Global Tables", err.Error())
		return diags
	}
	m.SelectedEngine, m.SelectedEngineReason = types.StringValue(engine), types.StringValue(reason)
	return diags
}

func interruptedDiag(m *datasetModel, err error, out converge.Outcome, timeout time.Duration) diag.Diagnostic {
	next := "run terraform apply again to converge (raise the timeouts for large datasets)"
	if out.FilesChanged && !errors.Is(err, loader.ErrDatasetChanged) { // that error's own text says so
		next = "the dataset's files changed while they were being loaded, so the next terraform apply writes every item " +
			"again (raise the timeouts for large datasets)"
	}
	var why string
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		why = fmt.Sprintf("the operation's timeout (%s) ran out", timeout)
	case errors.Is(err, context.Canceled):
		why = "it was cancelled"
	default:
		d := datasetErrorDiag(&m.datasetSourceModel, err)
		why = d.Detail()
	}
	unsure := ""
	if n := out.State.Unconfirmed.Len(); n > 0 {
		unsure = fmt.Sprintf(" %s sent without an answer from DynamoDB, so %s may or may not be in the table.",
			countOf(n, "more item was", "more items were"), plural(n, "it", "they"))
	}
	return diag.NewErrorDiagnostic("Load Interrupted",
		fmt.Sprintf("Loading %s into %q stopped after %s written, because %s.%s The state records every item this "+
			"dataset may have put in the table, so none is orphaned: terraform destroy deletes them all, and %s. "+
			"If this was the resource's first load, Terraform marks it tainted and the next apply removes the partial load "+
			"and loads again; run terraform untaint first to continue where it stopped instead.",
			countOf(out.Validated.Items, "item", "items"), m.TableName.ValueString(), countOf(out.Load.Acked.Len(), "was", "were"), why, unsure, next))
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}
