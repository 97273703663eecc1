package bench

import (
	"testing"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

func TestPhysicalLimit(t *testing.T) {
	t.Parallel()
	samples := []sim.Sample{
		{Table: "t", Second: 0, Partition: 0, WCU: 3000},
		{Table: "t", Second: 1, Partition: 0, WCU: 1000}, // partition 0: 4,000 WCU in all
		{Table: "t", Second: 0, Partition: 1, WCU: 2000},
		{Table: "t", Second: 0, Partition: 2, WCU: 2000},
		{Table: "other", Second: 0, Partition: 0, WCU: 1e6}, // another table: ignored
	}
	for _, tc := range []struct {
		name     string
		tableWCU float64
		tphys    time.Duration
	}{
		{name: "the hot partition sets the limit", tableWCU: 0, tphys: 4 * time.Second},  // 4,000 / 1,000
		{name: "the table cap sets the limit", tableWCU: 1000, tphys: 8 * time.Second},   // 8,000 / 1,000
		{name: "a generous cap changes nothing", tableWCU: 3000, tphys: 4 * time.Second}, // max(4, 2.67)
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := PhysicalLimit(samples, "t", 1000, tc.tableWCU)
			if l.SumWCU != 8000 || l.HotWCU != 4000 || l.HotPartition != 0 || l.TPhys != tc.tphys {
				t.Fatalf("limit = %+v; want ΣWCU 8000, hot partition 0 at 4000, T_phys %s", l, tc.tphys)
			}
			if want := 8000 / tc.tphys.Seconds(); l.RPhys != want {
				t.Errorf("R_phys = %v; want %v", l.RPhys, want)
			}
			if got := l.Efficiency(2 * tc.tphys); got != 0.5 {
				t.Errorf("efficiency over twice T_phys = %v; want 0.5", got)
			}
		})
	}
}
