package write

import (
	"math"
	"sync/atomic"
	"time"
)

// Stats count what a load did. Request counts are of acknowledged requests: Written of puts,
// Deleted of deletes (the names of last_load's attributes).
type Stats struct {
	Requests, Written, Deleted int64
	Batches                    int64   // BatchWriteItem calls, re-sends included
	WCUEstimated               int64   // estimated write units of the acknowledged requests
	WCUConsumed                float64 // the sum of the ConsumedCapacity DynamoDB reported
	Retries                    int64   // re-sends of any kind
	Throttled                  int64   // calls that failed with a throttling error or came back with UnprocessedItems
	Unprocessed                int64   // requests re-sent because they came back in UnprocessedItems
	Duration                   time.Duration
}

// counters are the live Stats, updated by all workers.
type counters struct {
	requests, written, deleted    atomic.Int64
	batches, wcuEstimated         atomic.Int64
	retries, throttled, unprocess atomic.Int64
	consumedBits                  atomic.Uint64 // float64 bits of WCUConsumed
}

func (c *counters) acked(reqs []Request) {
	var puts, wcu int64
	for i := range reqs {
		if reqs[i].Put != nil {
			puts++
		}
		wcu += reqs[i].cost()
	}
	c.requests.Add(int64(len(reqs)))
	c.written.Add(puts)
	c.deleted.Add(int64(len(reqs)) - puts)
	c.wcuEstimated.Add(wcu)
}

func (c *counters) addConsumed(units float64) {
	for {
		old := c.consumedBits.Load()
		if c.consumedBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+units)) {
			return
		}
	}
}

func (c *counters) snapshot(d time.Duration) Stats {
	return Stats{
		Requests:     c.requests.Load(),
		Written:      c.written.Load(),
		Deleted:      c.deleted.Load(),
		Batches:      c.batches.Load(),
		WCUEstimated: c.wcuEstimated.Load(),
		WCUConsumed:  math.Float64frombits(c.consumedBits.Load()),
		Retries:      c.retries.Load(),
		Throttled:    c.throttled.Load(),
		Unprocessed:  c.unprocess.Load(),
		Duration:     d,
	}
}
