package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestPartitionsFunction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rcu, wcu, gb float64
		want         int64
	}{
		{7500, 4000, 100, 10}, // 7,500/3,000 + 4,000/1,000 rounds up to 7 for throughput, 100 GB/10 GB is 10 for size: max(7, 10)
		{7500, 4000, 0, 7},
		{0, 0, 0, 1},
		{0, 100000, 0, 100},
		{0, 0, 10.5, 2},
	} {
		got, err := runFunction(t, NewPartitionsFunction(), types.Int64Unknown(),
			types.Float64Value(tc.rcu), types.Float64Value(tc.wcu), types.Float64Value(tc.gb))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(types.Int64Value(tc.want)) {
			t.Errorf("partitions(%v, %v, %v) = %v, want %d", tc.rcu, tc.wcu, tc.gb, got, tc.want)
		}
	}
	_, err := runFunction(t, NewPartitionsFunction(), types.Int64Unknown(), types.Float64Value(1), types.Float64Value(-1), types.Float64Value(0))
	if err == nil || err.FunctionArgument == nil || *err.FunctionArgument != 1 {
		t.Errorf("a negative write rate: want an error on argument 1, got %v", err)
	}
}

func TestAccFunctionPartitions(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   functionsAvailable,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderBlock("") + `
output "partitions" {
  value = provider::ddbload::partitions(7500, 4000, 100)
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("partitions", knownvalue.Int64Exact(10)),
				},
			},
			{
				Config: testAccProviderBlock("") + `
output "partitions" {
  value = provider::ddbload::partitions(0, -5, 0)
}
`,
				ExpectError: wrapped("must be a finite number of 0 or more, got -5"),
			},
		},
	})
}
