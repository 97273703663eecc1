package devstack

import (
	"context"
	"errors"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// TestTableShapes starts a real dynalite, creates every table shape the provider handles,
// reads each back through tableinfo, and deletes it.
func TestTableShapes(t *testing.T) {
	ctx := context.Background()
	d, err := StartDynalite(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	c := d.Client()

	onDemand := WithGSIs("gsis_on_demand")
	onDemand.OnDemand = true
	provisioned := HashOnly("hash_provisioned")
	provisioned.ReadUnits, provisioned.WriteUnits = 300, 100

	cases := []struct {
		spec      TableSpec
		billing   string
		sortKey   string
		lsis      int
		gsis      int
		writeUnit int64
	}{
		{provisioned, "PROVISIONED", "", 0, 0, 100},
		{HashRange("hash_range"), "PROVISIONED", "sk", 0, 0, 5},
		{WithLSI("with_lsi"), "PROVISIONED", "sk", 1, 0, 5},
		{WithGSIs("with_gsis"), "PROVISIONED", "sk", 0, 2, 5},
		{onDemand, "PAY_PER_REQUEST", "sk", 0, 2, 0},
	}
	for _, tc := range cases {
		t.Run(tc.spec.Name, func(t *testing.T) {
			if err := CreateTable(ctx, c, tc.spec); err != nil {
				t.Fatal(err)
			}
			tbl, err := tableinfo.Describe(ctx, c, tc.spec.Name)
			if err != nil {
				t.Fatal(err)
			}
			if tbl.Status != "ACTIVE" || tbl.PartitionKey != (tableinfo.Key{Name: "pk", Type: "S"}) {
				t.Errorf("status %q, partition key %+v", tbl.Status, tbl.PartitionKey)
			}
			gotSort := ""
			if tbl.SortKey != nil {
				gotSort = tbl.SortKey.Name
			}
			if gotSort != tc.sortKey || tbl.BillingMode != tc.billing || len(tbl.LocalIndexes) != tc.lsis ||
				len(tbl.GlobalIndexes) != tc.gsis || tbl.Provisioned.WriteUnits != tc.writeUnit {
				t.Errorf("got sort %q billing %q lsis %d gsis %d wcu %d", gotSort, tbl.BillingMode,
					len(tbl.LocalIndexes), len(tbl.GlobalIndexes), tbl.Provisioned.WriteUnits)
			}
			if err := DeleteTable(ctx, c, tc.spec.Name); err != nil {
				t.Fatal(err)
			}
			var nf *tableinfo.NotFoundError
			if _, err := tableinfo.Describe(ctx, c, tc.spec.Name); !errors.As(err, &nf) {
				t.Fatalf("after DeleteTable, Describe = %v; want not found", err)
			}
			if err := DeleteTable(ctx, c, tc.spec.Name); err != nil {
				t.Fatalf("deleting a missing table must be a no-op: %v", err)
			}
		})
	}
}

func TestStopIsIdempotentAndEndsServer(t *testing.T) {
	d, err := StartDynalite(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Stop()
	d.Stop()
	if _, err := tableinfo.Describe(context.Background(), d.Client(), "x"); err == nil {
		t.Fatal("server still answers after Stop")
	}
}
