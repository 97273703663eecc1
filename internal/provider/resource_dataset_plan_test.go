package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

func TestHotKeyWarning(t *testing.T) {
	t.Parallel()
	// Two candidates, 90/10, on a table provisioned at 100,000 WCU.
	plan := &loader.Plan{Items: 1000, WriteUnits: 5000, Keys: loader.KeyStats{Items: 1000, Hottest: []loader.KeyShare{
		{PartitionKey: "S:alice", Items: 900, ItemShare: 0.9},
		{PartitionKey: "S:bob", Items: 100, ItemShare: 0.1},
	}}}
	table := &tableinfo.Table{BillingMode: "PROVISIONED", Provisioned: tableinfo.Throughput{WriteUnits: 100000}}
	rate := writeRate(table, types.Int64Null())

	var resp resource.ModifyPlanResponse
	warnHotKey(&resp, plan, rate, types.Int64Null())
	if len(resp.Diagnostics) != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	d := resp.Diagnostics[0].Detail()
	for _, want := range []string{`"alice"`, "90%", "90000 WCU/s", "shard_count = 90 or more"} {
		if !strings.Contains(d, want) {
			t.Errorf("warning %q does not mention %q", d, want)
		}
	}
	// Already sharded 2 ways, with one shard still too hot: the advice scales the count.
	resp = resource.ModifyPlanResponse{}
	warnHotKey(&resp, &loader.Plan{Items: 1000, Keys: loader.KeyStats{Items: 1000, Hottest: []loader.KeyShare{
		{PartitionKey: "S:acme#1", Items: 190, ItemShare: 0.19}}}}, 10000, types.Int64Value(2))
	if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail(), "from 2 to 4 or more") {
		t.Fatalf("sharded advice: %v", resp.Diagnostics)
	}
	// A cap below one partition's throughput makes the same data fine.
	resp = resource.ModifyPlanResponse{}
	warnHotKey(&resp, plan, writeRate(table, types.Int64Value(1000)), types.Int64Null())
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("no warning expected at 1,000 WCU/s, got %v", resp.Diagnostics)
	}
	// The estimate runs at the hot key's pace, not the table's: the hot key takes 90% of the
	// writes at most 1,000 WCU/s, so the load runs at 1,111 WCU/s: 5,000 WCU in 4.5 s.
	if got := estimateSeconds(plan, rate); got.ValueInt64() != 5 {
		t.Fatalf("estimate %v s, want 5", got)
	}
}

func TestWriteRate(t *testing.T) {
	t.Parallel()
	warm := &tableinfo.Table{BillingMode: "PAY_PER_REQUEST", WarmThroughput: &tableinfo.WarmThroughput{Throughput: tableinfo.Throughput{WriteUnits: 4000}}}
	cold := &tableinfo.Table{BillingMode: "PAY_PER_REQUEST"}
	for _, tc := range []struct {
		table *tableinfo.Table
		cap   types.Int64
		want  float64
	}{
		{warm, types.Int64Null(), 4000},
		{warm, types.Int64Value(500), 500},
		{cold, types.Int64Null(), 0},
		{cold, types.Int64Value(700), 700},
		{&tableinfo.Table{BillingMode: "PROVISIONED", Provisioned: tableinfo.Throughput{WriteUnits: 50}}, types.Int64Value(700), 50},
	} {
		if got := writeRate(tc.table, tc.cap); got != tc.want {
			t.Errorf("writeRate(%+v, %v) = %v, want %v", tc.table, tc.cap, got, tc.want)
		}
	}
}
