package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

var _ function.Function = (*itemSizeFunction)(nil)

// NewItemSizeFunction returns the item_size function: an item's size and write units.
func NewItemSizeFunction() function.Function {
	return &itemSizeFunction{}
}

type itemSizeFunction struct{}

var itemSizeTypes = map[string]attr.Type{
	"size_bytes":  types.Int64Type,
	"write_units": types.Int64Type,
}

type itemSizeModel struct {
	SizeBytes  types.Int64 `tfsdk:"size_bytes"`
	WriteUnits types.Int64 `tfsdk:"write_units"`
}

func (f *itemSizeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "item_size"
}

func (f *itemSizeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The size and write units of an item given as JSON",
		MarkdownDescription: "Converts `json`, one plain-JSON object such as `jsonencode({...})`, exactly as `ddbload_dataset` " +
			"converts each record (numbers keep their decimal text, objects become maps, arrays lists, `null` NULL) and returns " +
			"an object with:\n\n" +
			"- `size_bytes`: the item's size by DynamoDB's rules (attribute names plus values; numbers about one byte per two " +
			"significant digits plus one), the size the 400 KB item limit applies to;\n" +
			fmt.Sprintf("- `write_units`: the WCU one write of it costs (every item rounds up to %d bytes; at least 1).\n\n", ddbitem.WriteUnitBytes) +
			"Sizes follow the published rules; real sizes can be a byte or so larger, so keep a margin near the limits.\n\n" +
			functionVersions,
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "json",
				MarkdownDescription: "One item as a plain-JSON object, e.g. `jsonencode({ pk = \"a\", n = 1 })`.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: itemSizeTypes},
	}
}

func (f *itemSizeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &text))
	if resp.Error != nil {
		return
	}
	// The dataset's own conversion rather than json.Unmarshal and attributevalue.MarshalMap:
	// the size must be that of the item ddbload_dataset would write, and an error the one it
	// would give (attributevalue checks no number against DynamoDB's limits, for one).
	item, err := source.PlainItem("json", []byte(text))
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "invalid item: "+err.Error())
		return
	}
	size := ddbitem.Size(item)
	v, diags := types.ObjectValueFrom(ctx, itemSizeTypes, itemSizeModel{
		SizeBytes:  types.Int64Value(int64(size)),
		WriteUnits: types.Int64Value(ddbitem.WriteUnits(size)),
	})
	resp.Error = function.FuncErrorFromDiags(ctx, diags)
	if resp.Error != nil {
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, v))
}
