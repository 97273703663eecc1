package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// Actions arrived in Terraform 1.14; OpenTofu has none.
var actionsAvailable = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// loadTriggeredConfig is an action_trigger that invokes ddbload_load once, after
// terraform_data is created: the way a configuration seeds a table it has just made.
func loadTriggeredConfig(table, actionBody string) string {
	return testAccConfig(fmt.Sprintf(`
action "ddbload_load" "seed" {
  config {
    table_name = %q
    %s
  }
}

resource "terraform_data" "seeded" {
  input = "v1"
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.ddbload_load.seed]
    }
  }
}
`, table, actionBody))
}

// TestAccLoadAction_trigger: an action_trigger loads the dataset (key templates included)
// into the table; the action keeps no state, so destroy leaves the items.
func TestAccLoadAction_trigger(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	file := writeData(t, dir, "orders.jsonl", `{"tenant":"a","id":"1","price":10}
{"tenant":"a","id":"2","price":20}
{"tenant":"b","id":"1","note":"ü"}
`)
	cfg := loadTriggeredConfig(table, fmt.Sprintf(`files = [%q]
    partition_key = "{tenant}"
    sort_key      = "{id}"`, file))
	want := []string{"a|1", "a|2", "b|1"}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   actionsAvailable,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, want, nil),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: expectItems(table, want, map[string]map[string]string{
				"a|1": {"price": "10", "tenant": "a"}, "a|2": {"price": "20"}, "b|1": {"note": "ü"},
			}),
		}},
	})
}

// TestAccLoadAction_invalidAtPlan: bad records fail the plan (all of them listed, with file
// and line) and nothing is written.
func TestAccLoadAction_invalidAtPlan(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	file := writeData(t, dir, "bad.jsonl", `{"pk":"a","sk":"1"}
{"pk":"b"}
{"pk":"c","sk":"1"
`)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   actionsAvailable,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		// The table is still empty: the failed plan wrote nothing.
		CheckDestroy: expectItems(table, nil, nil),
		Steps: []resource.TestStep{{
			Config:      loadTriggeredConfig(table, fmt.Sprintf("files = [%q]", file)),
			ExpectError: regexp.MustCompile(`(?s)Invalid Dataset.*bad\.jsonl:2:.*bad\.jsonl:3:`),
		}},
	})
}

// TestAccLoadAction_progress: `terraform apply -invoke` shows the load's progress events and
// its summary in the CLI's output. The write rate cap makes the load last longer than one
// progress interval (5 s) on any machine.
func TestAccLoadAction_progress(t *testing.T) {
	table := uniqueName(t)
	cli := requireCLIWithActions(t)
	createTable(t, devstack.HashOnly(table))
	var b strings.Builder
	b.WriteString("[")
	const n = 900
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"pk":"item-%04d","n":%d}`, i, i)
	}
	b.WriteString("]")
	dir := t.TempDir()
	file := writeData(t, dir, "items.json", b.String())
	config := testAccConfig(fmt.Sprintf(`
action "ddbload_load" "seed" {
  config {
    table_name                 = %q
    files                      = [%q]
    max_write_units_per_second = 100
  }
}
`, table, file))
	out := runCLI(t, cli, filepath.Join(dir, "config"), config, "apply", "-auto-approve", "-no-color", "-invoke=action.ddbload_load.seed")
	t.Log(out)
	for _, want := range []string{
		"Validating the dataset for " + table,
		"Loading " + table + ": ",
		" of 900 items written (",
		"Loaded 900 items into " + table + " in ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the CLI's output lacks %q:\n%s", want, out)
		}
	}
	if got := len(scanTable(t, table)); got != n {
		t.Errorf("the table holds %d items, want %d", got, n)
	}
}
