package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// datasetErrorDiag turns a loader error into a diagnostic on the attribute at fault.
func datasetErrorDiag(s *datasetSourceModel, err error) diag.Diagnostic {
	sourceAttr := s.sourceAttribute()
	var (
		se *source.SpecError
		ce *loader.ConfigError
		be *write.BatchError
		re *converge.ReadBackError
	)
	if list, n := invalidRecordsDetail(err); n > 0 {
		fix := "Fix the record (or the settings that shape it) and plan again."
		if n > 1 {
			fix = "Fix the records (or the settings that shape them) and plan again."
		}
		return diag.NewAttributeErrorDiagnostic(sourceAttr, "Invalid Dataset", list+"\n\nNothing was written. "+fix)
	}
	switch {
	case errors.As(err, &se):
		what := se.Reason
		if se.Key != "" {
			what = fmt.Sprintf("%q: %s", se.Key, se.Reason)
		}
		return diag.NewAttributeErrorDiagnostic(specAttribute(se.Field, sourceAttr), "Invalid Dataset Source", what+".")
	case errors.As(err, &ce):
		return diag.NewAttributeErrorDiagnostic(optionAttribute(ce.Option), "Invalid Key Settings", ce.Reason+".")
	case errors.Is(err, loader.ErrDatasetChanged):
		return diag.NewAttributeErrorDiagnostic(sourceAttr, "Dataset Changed During Apply",
			"The dataset's files changed between plan and apply, or while they were being loaded. Run terraform apply again; "+
				"items already written are not lost, and the next apply writes every item again so that the table matches the "+
				"files as they are then.\n\n"+err.Error())
	case errors.As(err, &be):
		return diag.NewErrorDiagnostic("Write Failed",
			fmt.Sprintf("DynamoDB rejected a batch, so the load stopped. What was written so far is recorded; fix the cause and "+
				"apply again to continue.\n\n%s", be.Error()))
	case errors.As(err, &re):
		return diag.NewErrorDiagnostic("Cannot Read Back Changed Items",
			fmt.Sprintf("The ledger in the state shows which blocks of about %d items changed, and the provider reads those "+
				"items back to write only the ones that differ; reading them failed. Nothing was written. The provider needs "+
				"dynamodb:BatchGetItem on the table, as the drift check does.\n\n%s", ledger.BlockSpan, err))
	default:
		return diag.NewErrorDiagnostic("Load Failed", err.Error())
	}
}

// invalidRecordsDetail lists the invalid records err holds, one line each ("file:line:
// reason"), then how many more there are and whether reading stopped before the end; n is how
// many records are invalid, 0 when err holds none. One invalid record is its error's text.
func invalidRecordsDetail(err error) (list string, n int64) {
	var ire *loader.InvalidRecordsError
	if !errors.As(err, &ire) {
		var ie *record.InputError
		if errors.As(err, &ie) {
			return ie.Error(), 1
		}
		return "", 0
	}
	var b strings.Builder
	if ire.Total > 1 {
		if ire.Stop != nil {
			fmt.Fprintf(&b, "The dataset has at least %d invalid records:\n", ire.Total)
		} else {
			fmt.Fprintf(&b, "The dataset has %d invalid records:\n", ire.Total)
		}
	}
	for i, e := range ire.Errors {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	if more := ire.More(); more > 0 {
		fmt.Fprintf(&b, "\nand %d more invalid %s", more, plural(more, "record", "records"))
	}
	switch {
	case ire.Stop == nil:
	case ire.StopListed() && len(ire.Errors) == 1:
		b.WriteString("\n\nThe file cannot be read past this error, so the records after it were not checked.")
	case ire.StopListed():
		b.WriteString("\n\nThe file cannot be read past the last of these errors, so the records after it were not checked.")
	default:
		b.WriteString("\n\nReading stopped, so the records after this point were not checked: " + ire.Stop.Error())
	}
	return b.String(), max(ire.Total, 1)
}

// sourceAttribute is the attribute the dataset comes from: files or items.
func (s *datasetSourceModel) sourceAttribute() path.Path {
	if !s.Items.IsNull() {
		return path.Root("items")
	}
	return path.Root("files")
}

func specAttribute(field string, sourceAttr path.Path) path.Path {
	switch {
	case field == "Format":
		return path.Root("format")
	case field == "AttributeTypes":
		return path.Root("attribute_types")
	case strings.HasPrefix(field, "CSV"):
		return path.Root("csv")
	}
	return sourceAttr
}

func optionAttribute(option string) path.Path {
	switch option {
	case "PartitionKey":
		return path.Root("partition_key")
	case "SortKey":
		return path.Root("sort_key")
	case "ShardAttribute":
		return path.Root("shard_attribute")
	case "ShardCount":
		return path.Root("shard_count")
	case "Duplicates":
		return path.Root("on_duplicate")
	case "Order":
		return path.Root("order")
	}
	return path.Root("table_name")
}

// keyText renders a canonical key part ("S:abc") for messages.
func keyText(encoded string) string { return loader.PartitionKeyText(encoded) }
