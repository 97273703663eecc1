package sim

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Sample is the write units a partition of a table consumed in one second of the run.
// Second counts from the simulator's start, by Config.Now.
type Sample struct {
	Table     string
	Second    int
	Partition int
	WCU       float64
}

type timelineKey struct {
	table             string
	second, partition int
}

// recordLocked adds admitted write units to the timeline. s.mu must be held.
func (s *Sim) recordLocked(table string, now time.Time, partition int, wcu float64) {
	sec := max(0, int(now.Sub(s.start)/time.Second))
	s.timeline[timelineKey{table, sec, partition}] += wcu
}

// Timeline returns the consumed write units per table, second and partition, in that order.
// Seconds and partitions without writes are absent.
func (s *Sim) Timeline() []Sample {
	s.mu.Lock()
	out := make([]Sample, 0, len(s.timeline))
	for k, v := range s.timeline {
		out = append(out, Sample{Table: k.table, Second: k.second, Partition: k.partition, WCU: v})
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Sample) int {
		return cmp.Or(strings.Compare(a.Table, b.Table), cmp.Compare(a.Second, b.Second), cmp.Compare(a.Partition, b.Partition))
	})
	return out
}

// PrintTimeline writes the timeline as one table per DynamoDB table: a row per second (from
// the first to the last second with writes), a column per partition, and the total.
func (s *Sim) PrintTimeline(w io.Writer) {
	samples := s.Timeline()
	if len(samples) == 0 {
		_, _ = fmt.Fprintln(w, "timeline: no writes admitted")
		return
	}
	for len(samples) > 0 {
		table := samples[0].Table
		n := 0
		for n < len(samples) && samples[n].Table == table {
			n++
		}
		printTable(w, table, samples[:n])
		samples = samples[n:]
	}
}

func printTable(w io.Writer, table string, samples []Sample) {
	first, last, parts := samples[0].Second, samples[len(samples)-1].Second, 0
	cells := map[[2]int]float64{}
	for _, x := range samples {
		parts = max(parts, x.Partition+1)
		cells[[2]int{x.Second, x.Partition}] = x.WCU
	}
	_, _ = fmt.Fprintf(w, "table %s: consumed WCU per partition per second\n", table)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "second\t"
	for p := range parts {
		header += fmt.Sprintf("p%d\t", p)
	}
	_, _ = fmt.Fprintln(tw, header+"total\t")
	for sec := first; sec <= last; sec++ {
		row, total := fmt.Sprintf("%d\t", sec), 0.0
		for p := range parts {
			v := cells[[2]int{sec, p}]
			total += v
			row += fmt.Sprintf("%.0f\t", v)
		}
		_, _ = fmt.Fprintln(tw, row+fmt.Sprintf("%.0f\t", total))
	}
	_ = tw.Flush()
}
