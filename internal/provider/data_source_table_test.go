package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

func TestAccTableDataSource_shapes(t *testing.T) {
	base := uniqueName(t)
	var (
		hash     = devstack.HashOnly(base + "-hash")
		lsi      = devstack.WithLSI(base + "-lsi")
		onDemand = devstack.WithGSIs(base + "-gsis")
	)
	hash.ReadUnits, hash.WriteUnits = 300, 100
	onDemand.OnDemand = true

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck: func() {
			createTable(t, hash)
			createTable(t, lsi)
			createTable(t, onDemand)
		},
		Steps: []resource.TestStep{{
			Config: testAccConfig(`
data "ddbload_table" "hash" {
  name = "` + hash.Name + `"
}
data "ddbload_table" "lsi" {
  name = "` + lsi.Name + `"
}
data "ddbload_table" "gsis" {
  name = "` + onDemand.Name + `"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("partition_key"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("pk"), "type": knownvalue.StringExact("S"),
				})),
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("sort_key"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("billing_mode"), knownvalue.StringExact("PROVISIONED")),
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("read_capacity_units"), knownvalue.Int64Exact(300)),
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("write_capacity_units"), knownvalue.Int64Exact(100)),
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("local_secondary_indexes"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.ddbload_table.hash", tfjsonpath.New("arn"), knownvalue.StringRegexp(regexp.MustCompile(`:table/`+hash.Name+`$`))),

				statecheck.ExpectKnownValue("data.ddbload_table.lsi", tfjsonpath.New("sort_key").AtMapKey("name"), knownvalue.StringExact("sk")),
				statecheck.ExpectKnownValue("data.ddbload_table.lsi", tfjsonpath.New("local_secondary_indexes"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":            knownvalue.StringExact("by_created"),
						"projection_type": knownvalue.StringExact("ALL"),
						"sort_key": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("created"), "type": knownvalue.StringExact("N"),
						}),
					}),
				})),

				statecheck.ExpectKnownValue("data.ddbload_table.gsis", tfjsonpath.New("billing_mode"), knownvalue.StringExact("PAY_PER_REQUEST")),
				statecheck.ExpectKnownValue("data.ddbload_table.gsis", tfjsonpath.New("global_secondary_indexes"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.ddbload_table.gsis", tfjsonpath.New("global_secondary_indexes").AtSliceIndex(0).AtMapKey("name"),
					knownvalue.StringExact("by_status")),
				statecheck.ExpectKnownValue("data.ddbload_table.gsis", tfjsonpath.New("global_secondary_indexes").AtSliceIndex(1).AtMapKey("sort_key"),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("created"), "type": knownvalue.StringExact("N")})),
			},
		}},
	})
}

func TestAccTableDataSource_notFound(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccConfig(`
data "ddbload_table" "missing" {
  name = "no-such-table"
}
`),
			ExpectError: regexp.MustCompile(`Table Not Found`),
		}},
	})
}
