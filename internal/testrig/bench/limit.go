package bench

import (
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// Limit is the physical limit of a load on a simulated table.
type Limit struct {
	SumWCU, HotWCU float64 // Σ WCU written, and the hottest partition's share of it
	HotPartition   int
	TPhys          time.Duration // the shortest possible write time
	RPhys          float64       // ΣWCU / TPhys, WCU/s
}

// PhysicalLimit computes the limit of what a simulator admitted to table, with partitions of
// partitionWCU WCU/s and a table cap of tableWCU WCU/s (0: none):
// T_phys = max(hottest partition's WCU / partitionWCU, ΣWCU / tableWCU).
func PhysicalLimit(samples []sim.Sample, table string, partitionWCU, tableWCU float64) Limit {
	per := map[int]float64{}
	var l Limit
	for _, s := range samples {
		if s.Table != table {
			continue
		}
		per[s.Partition] += s.WCU
		l.SumWCU += s.WCU
	}
	for p, w := range per {
		if w > l.HotWCU {
			l.HotWCU, l.HotPartition = w, p
		}
	}
	secs := l.HotWCU / partitionWCU
	if tableWCU > 0 {
		secs = max(secs, l.SumWCU/tableWCU)
	}
	l.TPhys = time.Duration(secs * float64(time.Second))
	if secs > 0 {
		l.RPhys = l.SumWCU / secs
	}
	return l
}

// Efficiency is the achieved rate over the limit: ΣWCU / span ÷ R_phys, i.e. T_phys / span.
func (l Limit) Efficiency(span time.Duration) float64 {
	if span <= 0 {
		return 0
	}
	return l.TPhys.Seconds() / span.Seconds()
}
