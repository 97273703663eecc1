package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/drift"
	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// Read checks for drift: it reads back a deterministic sample of the loaded items (or all of
// them) and compares them with what was written. A missing table removes the resource from
// state, so the next plan loads the dataset again.
func (r *datasetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m datasetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	client, diags := r.data.dynamoClient(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.TableName.ValueString()
	table, err := tableinfo.Describe(ctx, client, name)
	var nf *tableinfo.NotFoundError
	if errors.As(err, &nf) {
		tflog.Warn(ctx, "Table is gone; removing the dataset from state", map[string]any{"table_name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(tableErrorDiag(name, err))
		return
	}
	mode := m.DriftCheck.ValueString()
	if mode == "off" || m.ContentSHA256.ValueString() == contentIncomplete {
		return
	}
	led, diags := getLedger(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || led == nil {
		return
	}
	items := int(m.DriftSampleSize.ValueInt64())
	if mode == "full" {
		items = led.Len()
	}
	rep, err := drift.Check(ctx, client, name, keys.SchemaFromTable(table), led, led.SampleBlocks(items))
	if d, ok := unreachableDiag(err, fmt.Sprintf("reading back loaded items from %q", name)); ok {
		resp.Diagnostics.Append(d)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Drift Check Failed", fmt.Sprintf("Reading back loaded items from %q failed: %v", name, err))
		return
	}
	tflog.Debug(ctx, "Drift check", map[string]any{"table_name": name, "checked": rep.Checked,
		"missing": len(rep.Missing), "changed": len(rep.Changed)})
	if !rep.Drifted() {
		return
	}
	resp.Diagnostics.AddWarning("Loaded Items Drifted", driftDetail(rep, name))
	m.ContentSHA256 = types.StringValue(contentDrifted)
	resp.Diagnostics.Append(setDrift(ctx, resp.Private, true)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// driftDetail says how many of the items read back are missing or changed, in words that
// agree with the counts ("1 is missing", "2 are missing"). The ledger tells a changed block of
// items, not which of them changed: each changed block counts as at least one changed item.
func driftDetail(rep drift.Report, name string) string {
	var parts []string
	if n := len(rep.Missing); n > 0 {
		parts = append(parts, countOf(n, "is missing", "are missing"))
	}
	if n := len(rep.Changed); n > 0 {
		parts = append(parts, "at least "+countOf(n, "has changed", "have changed"))
	}
	them := "them"
	if len(rep.Missing)+len(rep.Changed) == 1 {
		them = "it"
	}
	example := "e.g. " + keyWords(rep.Changed)
	if len(rep.Missing) > 0 {
		example = "e.g. " + keyWords(rep.Missing)
	} else if len(rep.Changed) > 0 {
		example = "among the items from " + keyWords(rep.Changed) + " on"
	}
	return fmt.Sprintf("Of %s read back from %q, %s since the last apply (%s). The next apply writes the dataset "+
		"again to restore %s.", countOf(rep.Checked, "loaded item", "loaded items"), name, strings.Join(parts, " and "),
		example, them)
}

// keyWords names the first key of ids for people.
func keyWords(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	k, err := ledger.ParseKeyID(ids[0])
	if err != nil {
		return ids[0]
	}
	s := "partition key " + keyText(k.Partition)
	if k.Sort != "" {
		s += ", sort key " + keyText(k.Sort)
	}
	return s
}

func writeOptions(m *datasetModel) write.Options {
	return write.Options{
		Concurrency:            int(m.Concurrency.ValueInt64()),
		MaxWriteUnitsPerSecond: float64(m.MaxWriteUnits.ValueInt64()),
	}
}
