package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// defaultInvokeTimeout bounds one invocation, like ddbload_dataset's create timeout.
const defaultInvokeTimeout = defaultWriteTimeout

// ModifyPlan validates the dataset when Terraform plans the action, so invalid input fails the
// plan with its file, line and reason. The invocation reuses this validation (converge.Cache).
func (a *loadAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	m, ok := a.config(ctx, req.Config, &resp.Diagnostics)
	if !ok || !m.known() || m.TableName.IsUnknown() || a.data == nil {
		return // checked when invoked
	}
	opts, diags := m.loaderOptions(ctx)
	a.data.withObjects(ctx, &opts.Source)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := a.data.aws.Client(ctx)
	if errors.Is(err, awsclient.ErrUnknownConfig) {
		return
	}
	if err != nil {
		resp.Diagnostics.Append(clientErrorDiag(err))
		return
	}
	name := m.TableName.ValueString()
	table, err := tableinfo.Describe(ctx, client, name)
	var nf *tableinfo.NotFoundError
	switch {
	case errors.As(err, &nf):
		// Created later in this apply (an action_trigger after the table's creation): check what
		// needs no key schema now, the rest when invoked.
		if _, err := loader.ValidateUnkeyed(ctx, opts); err != nil {
			resp.Diagnostics.Append(datasetErrorDiag(&m.datasetSourceModel, err))
		}
		return
	case err != nil:
		resp.Diagnostics.Append(tableErrorDiag(name, err))
		return
	}
	p := converge.Params{Table: name, Schema: keys.SchemaFromTable(table), Options: opts, Cache: validationCache()}
	if _, _, err := converge.Preview(ctx, p); err != nil {
		resp.Diagnostics.Append(datasetErrorDiag(&m.datasetSourceModel, err))
	}
}

// Invoke writes every item of the dataset (converge.Apply over no prior state), sending a
// progress event every few seconds and a summary at the end.
func (a *loadAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	m, ok := a.config(ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	timeout, diags := m.Timeouts.Invoke(ctx, defaultInvokeTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	client, diags := a.data.dynamoClient(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.TableName.ValueString()
	table, err := tableinfo.Describe(ctx, client, name)
	if err != nil {
		resp.Diagnostics.Append(tableErrorDiag(name, err))
		return
	}
	opts, diags := m.loaderOptions(ctx)
	a.data.withObjects(ctx, &opts.Source)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	send := func(msg string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	opts.Logger = newTFLogger(ctx)
	opts.Progress = func(p loader.Progress) {
		if p.Done < p.Total { // the last one: the summary below says it better
			send(progressMessage(name, p))
		}
	}
	p := converge.Params{Table: name, Schema: keys.SchemaFromTable(table), Options: opts, Cache: validationCache()}
	send(fmt.Sprintf("Validating the dataset for %s", name))
	out, err := converge.Apply(ctx, client, p)
	if out.Load == nil {
		if err != nil {
			resp.Diagnostics.Append(datasetErrorDiag(&m.datasetSourceModel, err))
		}
		return
	}
	if err != nil {
		resp.Diagnostics.Append(loadStoppedDiag(name, out, err, timeout))
		return
	}
	send(summaryMessage(name, out.Load))
	tflog.Info(ctx, "Loaded dataset", map[string]any{"table_name": name, "items": out.Load.Stats.Written,
		"wcu": out.Load.Stats.WCUConsumed, "throttled": out.Load.Stats.Throttled, "seconds": out.Load.Stats.Duration.Seconds()})
}

// config reads the action's configuration with the write settings' defaults filled in.
func (a *loadAction) config(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) (*loadModel, bool) {
	var m loadModel
	diags.Append(cfg.Get(ctx, &m)...)
	if diags.HasError() {
		return nil, false
	}
	m.withDefaults()
	return &m, true
}

func (m *loadModel) loaderOptions(ctx context.Context) (loader.Options, diag.Diagnostics) {
	o, diags := m.options(ctx)
	m.settings().apply(&o)
	return o, diags
}

// loadStoppedDiag says how far a stopped load got. The action keeps no state, so it cannot
// promise what ddbload_dataset does: it says what the table may hold and how to finish.
func loadStoppedDiag(name string, out converge.Outcome, err error, timeout time.Duration) diag.Diagnostic {
	var why string
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		why = fmt.Sprintf("the invocation's timeout (%s) ran out", timeout)
	case errors.Is(err, context.Canceled):
		why = "it was cancelled"
	default:
		why = err.Error()
	}
	acked := int64(out.Load.Acked.Len())
	return diag.NewErrorDiagnostic("Load Interrupted",
		fmt.Sprintf("Loading %s into %q stopped after %s written, because %s. The table holds those items and may hold some "+
			"of the ones in flight; the action keeps no state, so nothing records them. Invoke the action again to write "+
			"every item (writing an item twice is harmless), or manage the dataset with ddbload_dataset, whose state lets "+
			"destroy remove exactly what was loaded.",
			thousands(out.Validated.Items)+" "+plural(out.Validated.Items, "item", "items"), name,
			thousands(acked)+" "+plural(acked, "was", "were"), why))
}
