package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// indexedTable is a hash+range table (pk S, sk S) with an LSI by_created on created (N), a
// GSI by_status on status (S) and a GSI by_owner on owner (S) and due (S).
func indexedTable(name string) devstack.TableSpec {
	s := devstack.HashRange(name)
	s.LSIs = []devstack.Index{{Name: "by_created", SortKey: &devstack.Key{Name: "created", Type: "N"}}}
	s.GSIs = []devstack.Index{
		{Name: "by_status", PartitionKey: devstack.Key{Name: "status", Type: "S"}},
		{Name: "by_owner", PartitionKey: devstack.Key{Name: "owner", Type: "S"}, SortKey: &devstack.Key{Name: "due", Type: "S"}},
	}
	return s
}

// words matches the words of a message however Terraform wraps its lines.
func words(s string) string {
	return strings.Join(strings.Fields(regexp.QuoteMeta(s)), `\s+`)
}

// TestAccDataset_indexKeysInvalid: an item whose index key DynamoDB would reject fails the
// plan, naming file:line, the attribute and the index; nothing is written. dynalite itself
// would store the empty GSI key that DynamoDB rejects.
func TestAccDataset_indexKeysInvalid(t *testing.T) {
	good := `{"pk":"a","sk":"1","created":1700000000,"status":"open","owner":"ann","due":"2024-01-01"}
{"pk":"a","sk":"2"}
`
	for _, tc := range []struct {
		name, bad, want string
	}{
		{"lsi_sort_key_type", `{"pk":"b","sk":"1","created":"yesterday"}`,
			`attribute "created": LSI "by_created" sort key "created" must be a number (N) but is a string (S)`},
		{"gsi_empty_string", `{"pk":"b","sk":"1","status":""}`,
			`attribute "status": GSI "by_status" partition key "status" is empty`},
		{"gsi_partition_key_size", `{"pk":"b","sk":"1","status":"` + strings.Repeat("s", 2049) + `"}`,
			`attribute "status": GSI "by_status" partition key "status" is 2049 bytes; DynamoDB allows at most 2048`},
		{"gsi_sort_key_size", `{"pk":"b","sk":"1","owner":"ann","due":"` + strings.Repeat("d", 1025) + `"}`,
			`attribute "due": GSI "by_owner" sort key "due" is 1025 bytes; DynamoDB allows at most 1024`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := uniqueName(t)
			file := writeData(t, t.TempDir(), "orders.jsonl", good+tc.bad+"\n")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				PreCheck:                 func() { createTable(t, indexedTable(table)) },
				Steps: []resource.TestStep{{
					Config: datasetConfig(table, file, ""),
					// The pre-apply plan fails: apply never starts.
					ExpectError: regexp.MustCompile(`(?s)Error running pre-apply plan.*Invalid Dataset.*orders\.jsonl:3:\s+` +
						words(tc.want) + `.*Nothing\s+was\s+written`),
				}},
			})
			if items := scanTable(t, table); len(items) != 0 {
				t.Fatalf("an invalid index key let %d items be written", len(items))
			}
		})
	}
}

// TestAccDataset_indexKeysSparse: items without an index's key attributes (a sparse index)
// load like any other, next to items that carry them.
func TestAccDataset_indexKeysSparse(t *testing.T) {
	table := uniqueName(t)
	file := writeData(t, t.TempDir(), "orders.jsonl", `{"pk":"a","sk":"1","created":1700000000,"status":"open","owner":"ann","due":"2024-01-01"}
{"pk":"a","sk":"2"}
{"pk":"b","sk":"1","status":"closed"}
{"pk":"b","sk":"2","due":"2024-02-01","note":""}
`)
	cfg := datasetConfig(table, file, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, indexedTable(table)) },
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("item_count"), knownvalue.Int64Exact(4)),
				},
				Check: expectItems(table, []string{"a|1", "a|2", "b|1", "b|2"}, map[string]map[string]string{
					"a|1": {"created": "1700000000", "status": "open"},
					"b|1": {"status": "closed"},
				}),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
