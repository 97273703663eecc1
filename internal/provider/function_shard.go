package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
)

var _ function.Function = (*shardFunction)(nil)

// functionVersions closes every function's description.
const functionVersions = "Provider functions need Terraform 1.8 or later, or OpenTofu 1.7 or later."

// NewShardFunction returns the shard function: the loader's calculated write-shard suffix.
func NewShardFunction() function.Function {
	return &shardFunction{}
}

type shardFunction struct{}

func (f *shardFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "shard"
}

func (f *shardFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The calculated write-shard suffix of a value, from 1 to count",
		MarkdownDescription: "Returns the calculated write-shard suffix of `value` for `count` shards: a number from `1` to `count`, " +
			"exactly the `{shard}` that `ddbload_dataset` writes into its key templates. Use it to read a sharded item directly: " +
			"`\"${tenant}#${provider::ddbload::shard(order_id, 10)}\"`.\n\n" +
			"suffix = (FNV-1a 64-bit hash of the UTF-8 bytes of `value`, as an unsigned integer, mod `count`) + 1. " +
			"The function is part of the provider's contract and does not change between releases. A number given as `value` " +
			"is hashed as Terraform writes it as a string (`1.5`, not `1.50`), which is the canonical text the loader hashes for numbers.\n\n" +
			functionVersions,
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "value",
				MarkdownDescription: "The value of the shard attribute: its text for strings and numbers.",
			},
			function.Int64Parameter{
				Name:                "count",
				MarkdownDescription: fmt.Sprintf("Number of shards, from 1 to %d.", keys.MaxShardCount),
			},
		},
		Return: function.Int64Return{},
	}
}

func (f *shardFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var value string
	var count int64
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &value, &count))
	if resp.Error != nil {
		return
	}
	if count < 1 || count > keys.MaxShardCount {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("count must be from 1 to %d, got %d", keys.MaxShardCount, count))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, int64(keys.Shard(value, int(count)))))
}
