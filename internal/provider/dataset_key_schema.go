package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
)

// datasetKeySchemaModel is ddbload_dataset's key_schema: the table's primary key as
// ddbload_partition_estimate's key_schema declares it, and its secondary indexes' keys, so a
// plan can validate the dataset completely while the table does not exist yet.
type datasetKeySchemaModel struct {
	keySchemaModel
	GSIs types.Map `tfsdk:"global_secondary_indexes"`
	LSIs types.Map `tfsdk:"local_secondary_indexes"`
}

type lsiKeyModel struct {
	RangeKey     types.String `tfsdk:"range_key"`
	RangeKeyType types.String `tfsdk:"range_key_type"`
}

const docKeySchema = "The table's key schema, declared: its partition and sort key and the keys of its secondary indexes. " +
	"Set it when the table may not exist at plan time (created in the same apply, or its name known only then): the plan " +
	"then validates the dataset completely against it, duplicate keys and index keys included, and shows `content_sha256`, " +
	"`item_count` and `estimated_write_units`. Without it, such a plan checks what needs no key schema (syntax, numbers, " +
	"sizes, sets, binaries, the attributes key templates use) and leaves those values unknown. Whenever the table exists, " +
	"at plan or at apply, the declaration must match it, or the run fails with *Key Schema Mismatch* before anything is " +
	"written. See *Validation at plan time* above for an example that takes it from `aws_dynamodb_table`."

func keySchemaAttribute() schema.Attribute {
	keyName := []validator.String{stringvalidator.LengthBetween(1, 255)}
	keyType := []validator.String{stringvalidator.OneOf("S", "N", "B")}
	typeDoc := "Its type: `S` (default), `N` or `B`."
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: docKeySchema,
		Attributes: map[string]schema.Attribute{
			"hash_key": schema.StringAttribute{Required: true, Validators: keyName,
				MarkdownDescription: "Name of the table's partition (hash) key attribute."},
			"hash_key_type": schema.StringAttribute{Optional: true, Validators: keyType, MarkdownDescription: typeDoc},
			"range_key": schema.StringAttribute{Optional: true, Validators: keyName,
				MarkdownDescription: "Name of the table's sort (range) key attribute, if it has one."},
			"range_key_type": schema.StringAttribute{Optional: true, Validators: keyType, MarkdownDescription: typeDoc},
			"global_secondary_indexes": schema.MapNestedAttribute{
				Optional:            true,
				MarkdownDescription: "The table's global secondary indexes, by index name, with their key attributes.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"hash_key":       schema.StringAttribute{Required: true, Validators: keyName, MarkdownDescription: "Name of the index's partition key attribute."},
					"hash_key_type":  schema.StringAttribute{Optional: true, Validators: keyType, MarkdownDescription: typeDoc},
					"range_key":      schema.StringAttribute{Optional: true, Validators: keyName, MarkdownDescription: "Name of the index's sort key attribute, if it has one."},
					"range_key_type": schema.StringAttribute{Optional: true, Validators: keyType, MarkdownDescription: typeDoc},
				}},
			},
			"local_secondary_indexes": schema.MapNestedAttribute{
				Optional: true,
				MarkdownDescription: "The table's local secondary indexes, by index name, with their sort key attribute " +
					"(their partition key is the table's).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"range_key":      schema.StringAttribute{Required: true, Validators: keyName, MarkdownDescription: "Name of the index's sort key attribute."},
					"range_key_type": schema.StringAttribute{Optional: true, Validators: keyType, MarkdownDescription: typeDoc},
				}},
			},
		},
	}
}

// declaredSchema turns a known key_schema into the engine's key schema. ok is false when the
// attribute is null or not known yet.
func declaredSchema(ctx context.Context, v types.Object) (s keys.Schema, ok bool, diags diag.Diagnostics) {
	if v.IsNull() || v.IsUnknown() || !fullyKnown(ctx, v) {
		return s, false, nil
	}
	var m datasetKeySchemaModel
	diags.Append(v.As(ctx, &m, objectAsOptions)...)
	var gsis map[string]keySchemaModel
	var lsis map[string]lsiKeyModel
	if !m.GSIs.IsNull() {
		diags.Append(m.GSIs.ElementsAs(ctx, &gsis, false)...)
	}
	if !m.LSIs.IsNull() {
		diags.Append(m.LSIs.ElementsAs(ctx, &lsis, false)...)
	}
	if diags.HasError() {
		return s, false, diags
	}
	s.PartitionKey = keys.Attr{Name: m.HashKey.ValueString(), Type: typeOrS(m.HashKeyType)}
	if !m.RangeKey.IsNull() {
		s.SortKey = &keys.Attr{Name: m.RangeKey.ValueString(), Type: typeOrS(m.RangeKeyType)}
	}
	for _, name := range sortedKeys(lsis) {
		if s.SortKey == nil {
			diags.AddAttributeError(path.Root("key_schema").AtName("local_secondary_indexes").AtMapKey(name), "Invalid Key Schema",
				fmt.Sprintf("Local secondary index %q needs a table with a sort key: set range_key.", name))
			continue
		}
		ix := lsis[name]
		s.IndexKeys = append(s.IndexKeys,
			keys.IndexKey{Attr: s.PartitionKey, Index: name, Kind: keys.LSI},
			keys.IndexKey{Attr: keys.Attr{Name: ix.RangeKey.ValueString(), Type: typeOrS(ix.RangeKeyType)}, Index: name, Kind: keys.LSI, Sort: true})
	}
	for _, name := range sortedKeys(gsis) {
		ix := gsis[name]
		s.IndexKeys = append(s.IndexKeys, keys.IndexKey{Attr: keys.Attr{Name: ix.HashKey.ValueString(), Type: typeOrS(ix.HashKeyType)}, Index: name, Kind: keys.GSI})
		if !ix.RangeKey.IsNull() {
			s.IndexKeys = append(s.IndexKeys, keys.IndexKey{Attr: keys.Attr{Name: ix.RangeKey.ValueString(), Type: typeOrS(ix.RangeKeyType)}, Index: name, Kind: keys.GSI, Sort: true})
		}
	}
	return s, !diags.HasError(), diags
}

func typeOrS(v types.String) string {
	if v.ValueString() == "" {
		return "S"
	}
	return v.ValueString()
}

// checkDeclaredSchema fails when the declared key schema is not the table's.
func checkDeclaredSchema(table string, declared, actual keys.Schema) diag.Diagnostics {
	d := declared.Differences(actual)
	if len(d) == 0 {
		return nil
	}
	text := ""
	for _, line := range d {
		text += "\n  - " + line
	}
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("key_schema"), "Key Schema Mismatch",
		fmt.Sprintf("The key_schema declared for the dataset is not the key schema of table %q:%s\n\nNothing was written. "+
			"Make key_schema describe the table (for example from the aws_dynamodb_table resource's attributes) and plan again.",
			table, text))
	return diags
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
