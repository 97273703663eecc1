package provider

import (
	"context"
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/ddbload/terraform-provider-ddbload/internal/partition"
)

var _ function.Function = (*partitionsFunction)(nil)

// NewPartitionsFunction returns the partitions function: the heuristic partition formula.
func NewPartitionsFunction() function.Function {
	return &partitionsFunction{}
}

type partitionsFunction struct{}

func (f *partitionsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "partitions"
}

func (f *partitionsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Estimated partitions for a table's throughput and storage",
		MarkdownDescription: "Returns the estimated number of partitions of a table: `max(ceil(read_units/3000 + write_units/1000), " +
			"ceil(storage_gb/10))`, at least 1. For example 7,500 RCU, 4,000 WCU and 100 GB give `max(7, 10)` = `10`.\n\n" +
			"This is the community-standard heuristic (the formula the DynamoDB Developer Guide documented until 2018): DynamoDB does " +
			"not publish partition counts. The same formula drives `ddbload_partition_estimate`.\n\n" + functionVersions,
		Parameters: []function.Parameter{
			function.Float64Parameter{Name: "read_units", MarkdownDescription: "Read capacity, in RCU/s (0 or more)."},
			function.Float64Parameter{Name: "write_units", MarkdownDescription: "Write capacity, in WCU/s (0 or more)."},
			function.Float64Parameter{Name: "storage_gb", MarkdownDescription: "Table size, in GB of 10^9 bytes (0 or more)."},
		},
		Return: function.Int64Return{},
	}
}

func (f *partitionsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var rcu, wcu, gb float64
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &rcu, &wcu, &gb))
	if resp.Error != nil {
		return
	}
	for i, v := range []float64{rcu, wcu, gb} {
		if v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			resp.Error = function.NewArgumentFuncError(int64(i), fmt.Sprintf("must be a finite number of 0 or more, got %v", v))
			return
		}
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, partition.Estimate(rcu, wcu, gb)))
}
