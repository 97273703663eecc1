package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestItemSizeFunction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		json        string
		size, units int64
	}{
		// "pk"(2) + "a"(1) = 3; "n"(1) + 1.5 (2 digit pairs + 1 = 3) = 4; "ok"(2) + 1 = 3.
		{`{"pk": "a", "n": 1.50, "ok": true}`, 10, 1},
		// A list: 3 + 1 per element + elements: "l"(1) + 3 + 2 + ("x" 1 + "yz" 2) = 9.
		{`{"l": ["x", "yz"]}`, 9, 1},
		{`{"blob": "` + strings.Repeat("a", 2000) + `"}`, 2004, 2},
		{`{}`, 0, 1},
	} {
		got, err := runFunction(t, NewItemSizeFunction(), types.ObjectUnknown(itemSizeTypes), types.StringValue(tc.json))
		if err != nil {
			t.Fatalf("item_size(%s): %v", tc.json, err)
		}
		want := types.ObjectValueMust(itemSizeTypes, map[string]attr.Value{
			"size_bytes": types.Int64Value(tc.size), "write_units": types.Int64Value(tc.units),
		})
		if !got.Equal(want) {
			t.Errorf("item_size(%.40s) = %v, want %v", tc.json, got, want)
		}
	}
	for text, want := range map[string]string{
		`[1, 2]`:          "a record must be a JSON object",
		`{"n": 1e400000}`: `attribute "n"`,
		`{"a": }`:         "malformed JSON",
	} {
		_, err := runFunction(t, NewItemSizeFunction(), types.ObjectUnknown(itemSizeTypes), types.StringValue(text))
		if err == nil || err.FunctionArgument == nil || *err.FunctionArgument != 0 || !strings.Contains(err.Text, want) {
			t.Errorf("item_size(%s): want an error saying %q, got %v", text, want, err)
		}
	}
}

func TestAccFunctionItemSize(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   functionsAvailable,
		Steps: []resource.TestStep{
			{
				Config: testAccProviderBlock("") + `
output "order" {
  value = provider::ddbload::item_size(jsonencode({ pk = "a", n = 1.5, ok = true }))
}
output "big_units" {
  value = provider::ddbload::item_size(jsonencode({ blob = format("%2000s", "a") })).write_units
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("order", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"size_bytes": knownvalue.Int64Exact(10), "write_units": knownvalue.Int64Exact(1),
					})),
					statecheck.ExpectKnownOutputValue("big_units", knownvalue.Int64Exact(2)),
				},
			},
			{
				Config: testAccProviderBlock("") + `
output "bad" {
  value = provider::ddbload::item_size("[1, 2]")
}
`,
				ExpectError: wrapped("invalid item: json:1: a record must be a JSON object"),
			},
		},
	})
}
