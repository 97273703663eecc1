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
	// Two candidates, 90/10, 1,000,000 WCU on a table provisioned at 100,000 WCU: the table
	// could take it in 10 s, the hot key alone needs 900 s.
	validated := &loader.Validated{Items: 1000000, WriteUnits: 1000000, Keys: loader.KeyStats{Items: 1000000, Hottest: []loader.KeyShare{
		{PartitionKey: "S:alice", Items: 900000, ItemShare: 0.9},
		{PartitionKey: "S:bob", Items: 100000, ItemShare: 0.1},
	}}}
	table := &tableinfo.Table{BillingMode: "PROVISIONED", Provisioned: tableinfo.Throughput{WriteUnits: 100000}}
	rate := writeRate(table, types.Int64Null())

	var resp resource.ModifyPlanResponse
	warnHotKey(&resp, validated, rate, types.Int64Null())
	if len(resp.Diagnostics) != 1 {
		t.Fatalf("want one warning, got %v", resp.Diagnostics)
	}
	d := resp.Diagnostics[0].Detail()
	for _, want := range []string{`"alice"`, "90%", "90000 WCU/s", "about 15m0s", "about 10s", "shard_count = 90 or more"} {
		if !strings.Contains(d, want) {
			t.Errorf("warning %q does not mention %q", d, want)
		}
	}
	// Already sharded 2 ways, with one shard still too hot: the advice scales the count.
	resp = resource.ModifyPlanResponse{}
	warnHotKey(&resp, &loader.Validated{Items: 1000000, WriteUnits: 1000000, Keys: loader.KeyStats{Items: 1000000, Hottest: []loader.KeyShare{
		{PartitionKey: "S:acme#1", Items: 190000, ItemShare: 0.19}}}}, 10000, types.Int64Value(2))
	if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail(), "from 2 to 4 or more") {
		t.Fatalf("sharded advice: %v", resp.Diagnostics)
	}
	// A cap below one partition's throughput makes the same data fine.
	resp = resource.ModifyPlanResponse{}
	warnHotKey(&resp, validated, writeRate(table, types.Int64Value(1000)), types.Int64Null())
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("no warning expected at 1,000 WCU/s, got %v", resp.Diagnostics)
	}
	// The estimate runs at the hot key's pace, not the table's: the hot key takes 90% of the
	// writes at most 1,000 WCU/s, so the load runs at 1,111 WCU/s: 1,000,000 WCU in 900 s.
	if got := estimateSeconds(validated, rate); got.ValueInt64() != 900 {
		t.Fatalf("estimate %v s, want 900", got)
	}
}

// TestHotKeyWarningOnlyWhenItCosts: skew alone is no reason to warn; the hot key must make
// the load at least 10 s and a quarter longer.
func TestHotKeyWarningOnlyWhenItCosts(t *testing.T) {
	t.Parallel()
	skewed := func(items, wcu int64, share float64) *loader.Validated {
		return &loader.Validated{Items: items, WriteUnits: wcu, Keys: loader.KeyStats{Items: items, Hottest: []loader.KeyShare{
			{PartitionKey: "S:tenant", Items: int64(share * float64(items)), ItemShare: share}}}}
	}
	for _, tc := range []struct {
		name      string
		validated *loader.Validated
		rate      float64
		warn      bool
	}{
		// Warm on-demand table (4,000 WCU/s); every item on one key: n WCU take n/1,000 s instead
		// of n/4,000 s, so the key adds 0.75·n/1,000 s.
		{"two items", skewed(2, 2, 1), 4000, false},
		{"two items on two keys", skewed(2, 2, 0.5), 4000, false},
		{"10,000 items: the key takes 10 s", skewed(10000, 10000, 1), 4000, false},
		{"the key adds 9 s", skewed(12000, 12000, 1), 4000, false},
		{"the key adds 11 s", skewed(14800, 14800, 1), 4000, true},
		// 10,000,000 WCU at 2,000 WCU/s: 5,000 s for the table. 60% on one key needs 6,000 s
		// (20% longer), 70% needs 7,000 s (40% longer).
		{"a long load, 20% longer", skewed(10000000, 10000000, 0.6), 2000, false},
		{"a long load, 40% longer", skewed(10000000, 10000000, 0.7), 2000, true},
		{"unknown rate", skewed(10000000, 10000000, 1), 0, false},
	} {
		var resp resource.ModifyPlanResponse
		warnHotKey(&resp, tc.validated, tc.rate, types.Int64Null())
		if got := len(resp.Diagnostics) == 1; got != tc.warn {
			t.Errorf("%s: warned %v, want %v: %v", tc.name, got, tc.warn, resp.Diagnostics)
		}
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
