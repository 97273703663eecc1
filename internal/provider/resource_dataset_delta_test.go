package provider

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// TestAccDataset_updatePlanShowsDelta: an update's plan says how many items it writes,
// deletes and leaves in place, and the apply does exactly that; a plan with nothing to do
// stays empty.
func TestAccDataset_updatePlanShowsDelta(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "items.jsonl")
	lines := func(n int, changed int, extra int) string {
		var b strings.Builder
		for i := range n {
			v := "v1"
			if i < changed {
				v = "v2"
			}
			fmt.Fprintf(&b, `{"pk":"k%d","sk":"s","v":%q}`+"\n", i, v)
		}
		for i := range extra {
			fmt.Fprintf(&b, `{"pk":"new%d","sk":"s","v":"v1"}`+"\n", i)
		}
		return b.String()
	}
	changes := func(write, del, unchanged int64) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"write": knownvalue.Int64Exact(write), "delete": knownvalue.Int64Exact(del), "unchanged": knownvalue.Int64Exact(unchanged),
			"resumed": knownvalue.Int64Exact(0), "write_units": knownvalue.Int64Exact(write + del),
		})
	}
	cfg := datasetConfig(table, file, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		Steps: []resource.TestStep{
			{
				PreConfig: func() { writeData(t, dir, "items.jsonl", lines(50, 0, 0)) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("planned_changes"), changes(50, 0, 0)),
				}},
			},
			{
				// 8 items change, the last 5 go, 3 come: 11 writes, 5 deletes, 37 in place.
				PreConfig: func() { writeData(t, dir, "items.jsonl", lines(45, 8, 3)) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ddbload_dataset.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("planned_changes"), changes(11, 5, 37)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"written": knownvalue.Int64Exact(11), "deleted": knownvalue.Int64Exact(5), "unchanged": knownvalue.Int64Exact(37),
					})),
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("planned_changes"), changes(11, 5, 37)),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
