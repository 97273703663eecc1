package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// TestEngineEstimates checks what each engine adds to the table's time: nothing for the local
// engine; for bulk put the staging of the items it writes, at 16 MB/s, and one
// poll interval when an operation runs; an unknown rate stays unknown.
func TestEngineEstimates(t *testing.T) {
	t.Parallel()
	// 1,000,000 items of 230 bytes, one WCU each, no key hotter than the table.
	v := &loader.Validated{Records: 1_000_000, Items: 1_000_000, Bytes: 230_000_000, WriteUnits: 1_000_000}
	inline := loader.Options{}
	update := converge.Changes{Write: 10, Delete: 5, Unchanged: 999_990, WriteUnits: 15}
	for _, tc := range []struct {
		name         string
		engine       string
		c            converge.Changes
		rate         float64
		full, change types.Int64
	}{
		{"local", engineLocal, update, 8000, types.Int64Value(125), types.Int64Value(1)},
		// 230 MB at 16 MB/s is 14.4 s, rounded up; 2,300 bytes round up to a second.
		{"bulk put", engineBulkPut, update, 8000, types.Int64Value(125 + 15 + 10), types.Int64Value(1 + 1 + 10)},
		// Deletes alone start no operation: nothing staged, no poll.
		{"bulk put, deletes only", engineBulkPut, converge.Changes{Delete: 5, Unchanged: 999_995, WriteUnits: 5}, 8000,
			types.Int64Value(125 + 15 + 10), types.Int64Value(1)},
		{"bulk put, rate unknown", engineBulkPut, update, 0, types.Int64Null(), types.Int64Null()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full, change := engineEstimates(tc.engine, inline, v, tc.c, tc.rate)
			if !full.Equal(tc.full) || !change.Equal(tc.change) {
				t.Errorf("estimates = %v, %v; want %v, %v", full, change, tc.full, tc.change)
			}
		})
	}
}
