package write

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// write sends one batch until every request is acknowledged, re-sending what DynamoDB did not
// process. It returns ctx's error on cancellation and a *BatchError otherwise.
func (p *pool) write(ctx context.Context, b Batch) error {
	if len(b) == 0 {
		return nil
	}
	if err := checkBatch(b); err != nil {
		return &BatchError{Pos: b[0].Pos, Table: p.o.Table, Requests: len(b), Err: err}
	}
	pending := []Request(b)
	st := stall{since: p.o.Now()}
	var lastErr error
	resend := 0 // requests being re-sent because they came back unprocessed
	// Consecutive failed calls (server errors, broken connections) and rounds of throttling
	// of this batch: each kind backs off on its own count.
	faults, throttles := 0, 0
	refused := false // the last call was throttled whole
	for attempt := 0; ; attempt++ {
		wcu := totalCost(pending)
		waited, err := p.bucket.take(ctx, wcu)
		if err != nil {
			return err
		}
		st.paced += waited
		p.control.sent(wcu)
		if attempt > 0 {
			p.stats.retries.Add(1)
			p.stats.unprocess.Add(int64(resend))
		}
		if attempt == 0 && p.o.OnSend != nil {
			p.o.OnSend(pending) // from here on, the call may have written them, whatever it returns
		}
		sentAt := p.o.Now()
		out, err := p.api.BatchWriteItem(ctx, p.input(pending), noSDKRetries)
		p.stats.batches.Add(1)
		resend, refused = 0, false

		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			kind := classify(err)
			if kind == fatal {
				return &BatchError{Pos: pending[0].Pos, Table: p.o.Table, Requests: len(pending), Attempts: attempt + 1, Err: err}
			}
			if kind == throttled {
				p.stats.throttled.Add(1)
				p.control.observe(sentAt, len(pending), len(pending))
				faults, throttles, refused = 0, throttles+1, true
			} else {
				faults++
			}
			// A failed call reports no consumed capacity, so its charge stands: a struggling
			// table gets a little more room.
			lastErr = err
		} else {
			faults = 0
			if consumed, ok := consumedUnits(out.ConsumedCapacity); ok {
				p.stats.addConsumed(consumed)
				waited, err := p.bucket.correct(ctx, wcu, consumed)
				if err != nil {
					return err
				}
				st.paced += waited
			}
			acked, rest := splitUnprocessed(pending, out.UnprocessedItems[p.o.Table])
			if len(acked) > 0 {
				p.ack(acked)
				st = stall{since: p.o.Now()}
			}
			p.control.observe(sentAt, len(rest), len(pending))
			if len(rest) == 0 {
				return nil
			}
			p.stats.throttled.Add(1)
			throttles++
			pending, resend = rest, len(rest)
			lastErr = fmt.Errorf("%d requests came back in UnprocessedItems", len(rest))
		}

		if why, stalled := p.stalled(st, p.o.Now()); stalled {
			return &BatchError{Pos: pending[0].Pos, Table: p.o.Table, Requests: len(pending), Attempts: attempt + 1, Retryable: true,
				Err: fmt.Errorf("%w: %s (NoProgressTimeout %s); last cause: %w", ErrNoProgress, why, p.o.NoProgressTimeout, lastErr)}
		}
		if err := p.o.Sleep(ctx, p.pause(faults, throttles, refused)); err != nil {
			return err
		}
	}
}

// pause is how long a worker waits before re-sending its batch. A server error or a broken
// connection says nothing about capacity, so its first re-send follows within the base delay.
// Throttling backs off exponentially, from a higher start when the whole call was refused
// (the partitions it needs are full for a while), unless the rate controller finds the
// throttling fault-like: then the shared rate already paces every worker, and a per-batch
// backoff would only idle them.
func (p *pool) pause(faults, throttles int, refused bool) time.Duration {
	switch {
	case faults > 0:
		return p.backoff.delay(faults - 1)
	case p.control.faultLikeThrottling():
		return p.backoff.delay(0)
	case refused:
		return p.backoff.delay(throttles + 1)
	default:
		return p.backoff.delay(throttles)
	}
}

// noSDKRetries makes one BatchWriteItem call one attempt: the pool retries it itself, so that a
// throttled call reaches the rate controller at once and a server error or a reset connection
// costs a short jittered pause, instead of the SDK's backoff (up to seconds for throttling)
// holding the worker while it sees nothing.
func noSDKRetries(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }

func (p *pool) ack(acked []Request) {
	p.stats.acked(acked)
	p.noteAck(p.o.Now())
	if p.o.OnAck != nil {
		p.o.OnAck(acked)
	}
}

// input builds the call for reqs. One PutRequest/DeleteRequest array per call keeps
// allocations per call, not per item.
func (p *pool) input(reqs []Request) *dynamodb.BatchWriteItemInput {
	writes := make([]types.WriteRequest, len(reqs))
	puts := make([]types.PutRequest, 0, len(reqs))
	var dels []types.DeleteRequest
	for i := range reqs {
		if reqs[i].Put != nil {
			puts = append(puts, types.PutRequest{Item: reqs[i].Put})
			writes[i].PutRequest = &puts[len(puts)-1]
			continue
		}
		if dels == nil {
			dels = make([]types.DeleteRequest, 0, len(reqs))
		}
		dels = append(dels, types.DeleteRequest{Key: reqs[i].Delete})
		writes[i].DeleteRequest = &dels[len(dels)-1]
	}
	return &dynamodb.BatchWriteItemInput{
		RequestItems:           map[string][]types.WriteRequest{p.o.Table: writes},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	}
}

// consumedUnits sums the capacity a call reports; ok is false when it reports none.
func consumedUnits(cc []types.ConsumedCapacity) (units float64, ok bool) {
	for i := range cc {
		if cc[i].CapacityUnits != nil {
			units += aws.ToFloat64(cc[i].CapacityUnits)
			ok = true
		}
	}
	return units, ok
}

func totalCost(reqs []Request) int64 {
	var n int64
	for i := range reqs {
		n += reqs[i].cost()
	}
	return n
}

// checkBatch catches what would otherwise come back as an opaque ValidationException.
func checkBatch(b Batch) error {
	if len(b) > ddbitem.MaxBatchItems {
		return fmt.Errorf("%d requests in one batch; BatchWriteItem takes at most %d", len(b), ddbitem.MaxBatchItems)
	}
	for i := range b {
		if (b[i].Put == nil) == (b[i].Delete == nil) {
			return fmt.Errorf("request %d (%s) must set exactly one of Put and Delete", i+1, b[i].Pos)
		}
	}
	return nil
}
