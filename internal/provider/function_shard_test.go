package provider

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
)

// runFunction calls a provider function directly, as Terraform would, with a result of the
// given type.
func runFunction(t *testing.T, f function.Function, result attr.Value, args ...attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	if def.Diagnostics.HasError() {
		t.Fatal(def.Diagnostics)
	}
	if strings.TrimSpace(def.Definition.MarkdownDescription) == "" || def.Definition.Summary == "" {
		t.Error("function without a summary or description")
	}
	if len(args) != len(def.Definition.Parameters) {
		t.Fatalf("%d arguments for %d parameters", len(args), len(def.Definition.Parameters))
	}
	for _, p := range def.Definition.Parameters {
		if strings.TrimSpace(p.GetMarkdownDescription()) == "" {
			t.Errorf("parameter %s has no description", p.GetName())
		}
	}
	resp := function.RunResponse{Result: function.NewResultData(result)}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	return resp.Result.Value(), resp.Error
}

// wrapped matches text in CLI output, where the CLI may wrap any space into a line break.
func wrapped(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// functionsAvailable skips acceptance tests of provider functions under CLIs that predate
// them (Terraform 1.5.7 runs the suite too): Terraform ≥ 1.8, OpenTofu ≥ 1.7.
var functionsAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

func TestShardFunction(t *testing.T) {
	t.Parallel()
	// The worked example of the ddbload_dataset page (shard_count = 10).
	for value, want := range map[string]int64{"o-1": 5, "o-2": 8, "o-4": 10} {
		got, err := runFunction(t, NewShardFunction(), types.Int64Unknown(), types.StringValue(value), types.Int64Value(10))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(types.Int64Value(want)) {
			t.Errorf("shard(%q, 10) = %v, want %d", value, got, want)
		}
	}
	// Exactly the loader's suffix, for any value and count.
	for i := range 200 {
		value, count := "key-"+strconv.Itoa(i*7919), int64(1+i%97)
		got, err := runFunction(t, NewShardFunction(), types.Int64Unknown(), types.StringValue(value), types.Int64Value(count))
		if err != nil {
			t.Fatal(err)
		}
		if want := types.Int64Value(int64(keys.Shard(value, int(count)))); !got.Equal(want) {
			t.Fatalf("shard(%q, %d) = %v, the loader says %v", value, count, got, want)
		}
	}
	for _, count := range []int64{0, -3, keys.MaxShardCount + 1} {
		_, err := runFunction(t, NewShardFunction(), types.Int64Unknown(), types.StringValue("x"), types.Int64Value(count))
		if err == nil || err.FunctionArgument == nil || *err.FunctionArgument != 1 || !strings.Contains(err.Text, "count must be from 1 to 100000") {
			t.Errorf("shard(x, %d): want an error on count, got %v", count, err)
		}
	}
}

func TestAccFunctionShard(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   functionsAvailable,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderBlock("") + `
output "suffix" {
  value = provider::ddbload::shard("o-1", 10)
}
output "key" {
  value = "acme#${provider::ddbload::shard("o-4", 10)}"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("suffix", knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownOutputValue("key", knownvalue.StringExact("acme#10")),
				},
			},
			{
				Config: testAccProviderBlock("") + `
output "bad" {
  value = provider::ddbload::shard("o-1", 0)
}
`,
				ExpectError: wrapped("count must be from 1 to 100000, got 0"),
			},
		},
	})
}
