package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	tftypes "github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/bulkput"
	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// bulkPoll is how often an apply describes its bulk put; the operation runs for minutes to
// hours, and each description is a progress line in the log.
const bulkPoll = 10 * time.Second

// convergeBulk is converge with the writes run by DynamoDB's bulk put (converge.ApplyBulk).
func (r *datasetResource) convergeBulk(ctx context.Context, m *datasetModel, client dynamoAPI, table *tableinfo.Table, p converge.Params,
	newPrivate privateSetter, timeout time.Duration) diag.Diagnostics {
	var diags diag.Diagnostics
	name := m.TableName.ValueString()
	st, ok := m.staging(ctx)
	if !ok {
		diags.AddError("Bulk Put Needs Staging", "engine = \"bulk_put\" stages the items in S3: set staging = { bucket = \"...\" }.")
		return diags
	}
	s3c, err := r.data.aws.S3(ctx)
	if err != nil {
		diags.AddError("S3 Client", fmt.Sprintf("The S3 client for staging could not be set up: %v.", err))
		return diags
	}
	b := converge.Bulk{API: client, Store: bulkput.NewS3Store(s3c), Bucket: st.Bucket.ValueString(), Prefix: st.Prefix.ValueString() + name + "/",
		MaxWriteUnits: m.MaxWriteUnits.ValueInt64(), Poll: bulkPoll,
		Progress: func(d *types.BulkOperationDescription) {
			fields := map[string]any{"table_name": name, "status": string(d.BulkOperationStatus), "processed": d.ProcessedItemCount,
				"failed": d.FailedItemCount}
			if d.ProcessedInputBytes != nil && d.TotalInputBytes != nil && *d.TotalInputBytes > 0 {
				fields["input_percent"] = 100 * *d.ProcessedInputBytes / *d.TotalInputBytes
			}
			tflog.Info(ctx, "Bulk put progress", fields)
		}}
	out, res, err := converge.ApplyBulk(ctx, client, b, p)
	if res == nil || !res.Started { // nothing reached the table
		var ce *converge.ChangedSincePlanError
		if errors.As(err, &ce) {
			diags.AddError("Dataset Changed Since Plan",
				fmt.Sprintf("The dataset for %q is not the one the plan showed (content_sha256 %s at plan time, %s now): its files "+
					"changed in between. Nothing was written. Run terraform plan and apply again.", name, ce.Planned, ce.Now))
			return diags
		}
		if err != nil {
			diags.Append(datasetErrorDiag(&m.datasetSourceModel, err))
			return diags
		}
	}
	diags.Append(setState(ctx, newPrivate, out.State)...)
	validated := out.Validated
	m.ItemCount = tftypes.Int64Value(validated.Items)
	m.EstimatedWriteUnits = tftypes.Int64Value(validated.WriteUnits)
	full, change := engineEstimates(engineBulkPut, p.Options, validated, out.Changes, writeRate(table, m.MaxWriteUnits))
	if m.EstimatedLoadSeconds.IsUnknown() {
		m.EstimatedLoadSeconds = full
	}
	if m.PlannedChanges.IsUnknown() {
		var d diag.Diagnostics
		m.PlannedChanges, d = plannedChangesValue(ctx, out.Changes, change)
		diags.Append(d...)
	}
	last, d := bulkLastLoad(ctx, out, res)
	diags.Append(d...)
	m.LastLoad = last
	if err != nil {
		m.ContentSHA256 = tftypes.StringValue(contentIncomplete)
		diags.Append(bulkErrorDiag(name, err, out, res, timeout))
		return diags
	}
	m.ContentSHA256 = tftypes.StringValue(validated.Digest)
	if res.CleanupErr != nil {
		diags.AddWarning("Staged Input Not Deleted", fmt.Sprintf("The bulk put completed, but its staged input under s3://%s/%s "+
			"could not be deleted: %v. Delete it to stop paying for its storage.", b.Bucket, b.Prefix, res.CleanupErr))
	}
	tflog.Info(ctx, "Loaded dataset by bulk put", map[string]any{"table_name": name, "operation": res.Arn, "items": res.Processed,
		"deleted": out.Deleted, "seconds": res.Duration.Seconds(), "input": res.Input, "passed_through": res.PassedThrough,
		"staged_because": res.StagedBecause, "staged_items": res.Staged, "staging_seconds": res.Staging.Seconds()})
	return diags
}

func bulkLastLoad(ctx context.Context, out converge.Outcome, res *converge.BulkResult) (tftypes.Object, diag.Diagnostics) {
	m := lastLoadModel{
		Written:            tftypes.Int64Value(max(0, res.Processed-res.Failed)),
		Deleted:            tftypes.Int64Value(out.Deleted),
		Unchanged:          tftypes.Int64Value(out.Changes.Unchanged),
		Resumed:            tftypes.Int64Value(out.Changes.Resumed),
		WriteUnitsConsumed: tftypes.Float64Null(), // the operation reports bytes, not units
		ThrottledRequests:  tftypes.Int64Null(),
		Retries:            tftypes.Int64Null(),
		DurationSeconds:    tftypes.Float64Value(roundTo(res.Duration.Seconds(), 3)),
		ItemsPerSecond:     tftypes.Float64Value(0),
		Engine:             tftypes.StringValue(engineBulkPut),
		BulkOperationARN:   tftypes.StringNull(),
		BulkInput:          tftypes.StringNull(),
	}
	if res.Input != "" {
		m.BulkInput = tftypes.StringValue(res.Input)
	}
	if res.Arn != "" {
		m.BulkOperationARN = tftypes.StringValue(res.Arn)
	}
	if s := res.Duration.Seconds(); s > 0 {
		m.ItemsPerSecond = tftypes.Float64Value(roundTo(float64(res.Processed-res.Failed)/s, 1))
	}
	return tftypes.ObjectValueFrom(ctx, lastLoadTypes, m)
}

// bulkErrorDiag says why a bulk put did not complete, and what the state holds.
func bulkErrorDiag(name string, err error, out converge.Outcome, res *converge.BulkResult, timeout time.Duration) diag.Diagnostic {
	var be *converge.BulkOperationError
	switch {
	case errors.As(err, &be) && res.Status == types.BulkOperationStatusCompletedWithErrors:
		var b strings.Builder
		fmt.Fprintf(&b, "The bulk put %s into %q could not write %s of %s:\n", res.Arn, name,
			countOf(res.Failed, "item", "items"), countOf(res.Processed, "item", "items"))
		for _, f := range res.Failures {
			where := f.Source
			switch {
			case where == "" && res.PassedThrough: // the report names the dataset's own objects
				where = fmt.Sprintf("%s:%d", f.Object, f.Line)
			case where == "":
				where = fmt.Sprintf("%s line %d (staged)", f.Object, f.Line)
			}
			fmt.Fprintf(&b, "  - %s: %s: %s\n", where, f.Code, f.Message)
		}
		if more := res.FailuresTotal - len(res.Failures); more > 0 {
			fmt.Fprintf(&b, "  ... and %s (the whole report is under the staging prefix).\n", countOf(more, "more", "more"))
		}
		b.WriteString("The items written are recorded in the state; fix the failed records and apply again to write them.")
		return diag.NewErrorDiagnostic("Bulk Put Items Failed", b.String())
	case errors.As(err, new(*converge.ObjectChangedError)):
		return diag.NewErrorDiagnostic("Dataset Changed During Load",
			fmt.Sprintf("The bulk put %s into %q read the dataset's own objects, and %v. The state records every item it was "+
				"given as possibly in the table: the next terraform apply converges the table to the objects as they are then, "+
				"and terraform destroy deletes them.", res.Arn, name, err))
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		why := "the apply was interrupted"
		if errors.Is(err, context.DeadlineExceeded) {
			why = fmt.Sprintf("the operation's timeout (%s) ran out", timeout)
		}
		if !res.Started {
			return diag.NewErrorDiagnostic("Load Interrupted",
				fmt.Sprintf("The apply stopped while staging the items for a bulk put into %q, before the operation started, "+
					"because %s. Nothing was written to the table; the next terraform apply stages the items again. %v", name, why, err))
		}
		return diag.NewErrorDiagnostic("Load Interrupted",
			fmt.Sprintf("The bulk put %s into %q was cancelled because %s (it ended %s). It may have written any of the %s it "+
				"was given, so the state records them all as possibly in the table: terraform destroy deletes them, and the next "+
				"terraform apply writes them again in a new operation. %v",
				res.Arn, name, why, res.Status, countOf(out.Changes.Write, "item", "items"), err))
	default:
		return diag.NewErrorDiagnostic("Bulk Put Failed",
			fmt.Sprintf("The bulk put into %q did not complete: %v. The state records every item it was given as possibly in the "+
				"table: terraform destroy deletes them, and the next terraform apply writes them again in a new operation.", name, err))
	}
}
