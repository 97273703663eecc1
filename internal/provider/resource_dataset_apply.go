package provider

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
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
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	resp.Diagnostics.Append(r.converge(ctx, &m, req.Private, resp.Private, timeout)...)
	if m.ContentSHA256.IsUnknown() {
		m.ContentSHA256 = prior.ContentSHA256 // nothing was written: the table is as before
		m.LastLoad = prior.LastLoad
		m.ItemCount, m.EstimatedWriteUnits, m.EstimatedLoadSeconds = prior.ItemCount, prior.EstimatedWriteUnits, prior.EstimatedLoadSeconds
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

	led, diags := getLedger(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || led == nil || led.Len() == 0 {
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
	schema := keys.SchemaFromTable(table)
	var ids []string
	for e := range led.All() {
		ids = append(ids, e.KeyID)
	}
	st, err := loader.Delete(ctx, client, name, keyItems(ids, schema), writeOptions(&m))
	tflog.Info(ctx, "Deleted the loaded items", map[string]any{"table_name": name, "items": st.Deletes, "wcu": st.WCUConsumed})
	if err != nil {
		resp.Diagnostics.AddError("Delete Failed",
			fmt.Sprintf("Deleting the %d items this dataset loaded into %q stopped after %d: %v. Run terraform destroy again to finish; "+
				"deleting an item that is already gone is harmless.", len(ids), name, st.Deletes, err))
	}
}

// converge makes the table hold the dataset m describes: it validates, writes new and changed
// items (everything when drift was detected), resumes an interrupted load, and deletes what
// the previous load wrote that the dataset no longer has. It fills m's computed values and
// the private state. On failure m.ContentSHA256 is "incomplete" (some writes happened) or
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
	schema := keys.SchemaFromTable(table)
	opts, d := m.loaderOptions(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	var old *ledger.Ledger
	drifted := false
	if oldPrivate != nil {
		old, d = getLedger(ctx, oldPrivate)
		diags.Append(d...)
		drifted, d = getDrift(ctx, oldPrivate)
		diags.Append(d...)
		if diags.HasError() {
			return diags
		}
	}
	if old != nil && !drifted {
		opts.Unchanged = func(k keys.Key, sum [sha256.Size]byte) bool {
			h, ok := old.Lookup(k.ID())
			return ok && h == ledger.SumHash(sum)
		}
	}
	// Validation reports every item's key and content hash, so recording what was loaded
	// needs no further reading of the dataset.
	var seen []seenItem
	opts.OnItem = func(seq uint64, k keys.Key, sum [sha256.Size]byte) {
		seen = append(seen, seenItem{seq: seq, id: k.ID(), hash: ledger.SumHash(sum)})
	}
	plan, err := loader.Validate(ctx, schema, opts)
	if err != nil {
		diags.Append(datasetErrorDiag(m, err))
		return diags
	}
	if !planned.IsUnknown() && !planned.IsNull() && planned.ValueString() != plan.Digest {
		diags.AddError("Dataset Changed Since Plan",
			fmt.Sprintf("The dataset for %q is not the one the plan showed (content_sha256 %s at plan time, %s now): its files "+
				"changed in between. Nothing was written. Run terraform plan and apply again.", name, planned.ValueString(), plan.Digest))
		return diags
	}
	if oldPrivate != nil {
		resume, acked, d := getResume(ctx, oldPrivate)
		diags.Append(d...)
		if diags.HasError() {
			return diags
		}
		if resume != nil && resume.Digest == plan.Digest {
			opts.Resume = acked
		}
	}
	opts.Progress = func(p loader.Progress) { logProgress(ctx, name, p) }

	tflog.Info(ctx, "Loading dataset", map[string]any{"table_name": name, "items": plan.Items, "wcu": plan.WriteUnits,
		"resuming": opts.Resume != nil, "rewrite_all": drifted || old == nil})
	res, loadErr := loader.LoadPlanned(ctx, client, name, schema, opts, plan)
	if res == nil { // nothing was written
		diags.Append(datasetErrorDiag(m, loadErr))
		return diags
	}

	// Record what the table now holds from this dataset, even if the load stopped early.
	next := nextLedger(plan, res, old, seen, loadErr == nil)

	var deleted int64
	if loadErr == nil && old != nil {
		deleted, err = deleteRemoved(ctx, client, name, schema, old, next, m)
		if err != nil {
			// Keep the removed keys in the ledger: the next apply deletes them again.
			next = union(next, old)
			loadErr = err
		}
	}

	diags.Append(setLedger(ctx, newPrivate, next)...)
	untrusted := ledgerUntrusted(opts.Source, plan, loadErr)
	diags.Append(setDrift(ctx, newPrivate, untrusted)...)
	m.ItemCount = types.Int64Value(plan.Items)
	m.EstimatedWriteUnits = types.Int64Value(plan.WriteUnits)
	if m.EstimatedLoadSeconds.IsUnknown() {
		m.EstimatedLoadSeconds = estimateSeconds(plan, writeRate(table, m.MaxWriteUnits))
	}
	last, d := lastLoadValue(ctx, res, deleted)
	diags.Append(d...)
	m.LastLoad = last

	if loadErr != nil {
		m.ContentSHA256 = types.StringValue(contentIncomplete)
		if untrusted {
			diags.Append(setResume(ctx, newPrivate, "", nil)...) // what was written need not be what the digest says
		} else {
			diags.Append(setResume(ctx, newPrivate, plan.Digest, res.Acked)...)
		}
		diags.Append(interruptedDiag(m, loadErr, res, plan, timeout, untrusted))
		return diags
	}
	m.ContentSHA256 = types.StringValue(plan.Digest)
	diags.Append(setResume(ctx, newPrivate, "", nil)...)
	tflog.Info(ctx, "Loaded dataset", map[string]any{"table_name": name, "items": res.Stats.Puts, "unchanged": res.Unchanged,
		"deleted": deleted, "wcu": res.Stats.WCUConsumed, "throttled": res.Stats.Throttled, "seconds": res.Stats.Duration.Seconds()})
	return diags
}

// ledgerUntrusted tells whether a load that ended with err may have written content other than
// what the ledger and the resume point record: their hashes and digest come from the
// validation pass. A complete write pass checked that it read the files validated, and one
// that found them changed says so; for a load stopped before that check, the files are hashed
// again. If untrusted, the next apply rewrites every item instead of skipping those the ledger
// or the resume point says are in place (the files may have changed back by then).
func ledgerUntrusted(spec source.Spec, plan *loader.Plan, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, loader.ErrDatasetChanged):
		return true
	}
	same, ferr := plan.FilesUnchanged(spec)
	return ferr != nil || !same
}

// seenItem is one record validation read: its sequence number, key ID and content hash.
type seenItem struct {
	seq  uint64
	id   string
	hash uint32
}

// nextLedger records the dataset's items that are now in the table: all of them after a
// complete load; after an interrupted one, the previous ledger plus the records written.
// Validation saw every record (seen), duplicate losers included.
func nextLedger(plan *loader.Plan, res *loader.Result, old *ledger.Ledger, seen []seenItem, complete bool) *ledger.Ledger {
	var b ledger.Builder
	if !complete && old != nil {
		for e := range old.All() {
			b.Add(e.KeyID, e.Hash)
		}
	}
	for _, it := range seen {
		if !plan.Dropped(it.seq) && (complete || res.Acked.Has(it.seq)) {
			b.Add(it.id, it.hash)
		}
	}
	return b.Build()
}

// deleteRemoved deletes the items of old that next no longer has.
func deleteRemoved(ctx context.Context, client dynamoAPI, table string, schema keys.Schema, old, next *ledger.Ledger, m *datasetModel) (int64, error) {
	var removed []string
	ledger.Compare(old, next, func(id string) { removed = append(removed, id) }, nil)
	if len(removed) == 0 {
		return 0, nil
	}
	st, err := loader.Delete(ctx, client, table, keyItems(removed, schema), writeOptions(m))
	return st.Deletes, err
}

// keyItems turns ledger key IDs into DynamoDB keys, skipping any that no longer fit the
// table's key schema (the table was replaced by one with other keys: they cannot exist).
func keyItems(ids []string, schema keys.Schema) func(func(record.Item) bool) {
	return func(yield func(record.Item) bool) {
		for _, id := range ids {
			k, err := ledger.ParseKeyID(id)
			if err != nil {
				continue
			}
			item, err := ledger.KeyItem(k, schema)
			if err != nil {
				continue
			}
			if !yield(item) {
				return
			}
		}
	}
}

func union(a, b *ledger.Ledger) *ledger.Ledger {
	var u ledger.Builder
	for e := range b.All() {
		u.Add(e.KeyID, e.Hash)
	}
	for e := range a.All() {
		u.Add(e.KeyID, e.Hash) // a wins
	}
	return u.Build()
}

func interruptedDiag(m *datasetModel, err error, res *loader.Result, plan *loader.Plan, timeout time.Duration, rewriteAll bool) diag.Diagnostic {
	done := res.Acked.Len()
	next := "run terraform apply again to converge (raise the timeouts for large datasets)"
	if rewriteAll && !errors.Is(err, loader.ErrDatasetChanged) { // that error's own text says so
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
		d := datasetErrorDiag(m, err)
		why = d.Detail()
	}
	return diag.NewErrorDiagnostic("Load Interrupted",
		fmt.Sprintf("Loading %d items into %q stopped after %d were written, because %s. The state records what was written, "+
			"so nothing is lost or orphaned: %s. "+
			"If this was the resource's first load, Terraform marks it tainted and the next apply removes the partial load "+
			"and loads again; run terraform untaint first to continue where it stopped instead.",
			plan.Items, m.TableName.ValueString(), done, why, next))
}

func logProgress(ctx context.Context, table string, p loader.Progress) {
	tflog.Info(ctx, fmt.Sprintf("Loading %s: %d/%d items", table, p.Done, p.Total), map[string]any{
		"table_name": table, "items": p.Done, "total": p.Total, "items_per_second": int64(p.ItemsPerSec),
		"wcu_per_second": int64(p.WCUPerSec), "throttled": p.Throttled, "eta_seconds": int64(p.ETA.Seconds()),
	})
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}
