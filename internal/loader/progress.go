package loader

import (
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Progress is a snapshot of a running load, for logs.
type Progress struct {
	Done        int64 // items written so far (including those resumed: an earlier load wrote them)
	Total       int64 // items the load will have written when done
	ItemsPerSec float64
	WCUPerSec   float64 // consumed WCU/s when the server reports it, estimated otherwise
	Throttled   int64
	Retries     int64
	Elapsed     time.Duration
	ETA         time.Duration // 0 when unknown
}

func progressOf(s write.Stats, resumed, total int64) Progress {
	p := Progress{Done: s.Requests + resumed, Total: total, Throttled: s.Throttled, Retries: s.Retries, Elapsed: s.Duration}
	if secs := s.Duration.Seconds(); secs > 0 {
		p.ItemsPerSec = float64(s.Requests) / secs
		wcu := s.WCUConsumed
		if wcu == 0 {
			wcu = float64(s.WCUEstimated)
		}
		p.WCUPerSec = wcu / secs
		if p.ItemsPerSec > 0 && total > p.Done {
			p.ETA = time.Duration(float64(total-p.Done) / p.ItemsPerSec * float64(time.Second))
		}
	}
	return p
}

// log writes p as a progress line a person can read, with its numbers as fields.
func (p Progress) log(l hclog.Logger, table string) {
	l.Info(fmt.Sprintf("Loading %s: %d/%d items", table, p.Done, p.Total),
		"table_name", table, "items", p.Done, "total", p.Total, "items_per_second", int64(p.ItemsPerSec),
		"wcu_per_second", int64(p.WCUPerSec), "throttled", p.Throttled, "eta_seconds", int64(p.ETA.Seconds()))
}
