package write

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// pool is the state one Run shares between its workers.
type pool struct {
	api     API
	o       Options
	bucket  *bucket
	control *rateController
	backoff *backoff
	stats   counters
	lastAck atomic.Int64 // Options.Now of the latest acknowledgment, in Unix nanoseconds
}

// Run writes every batch received from batches to o.Table with o.Concurrency workers and
// returns when the channel is closed and everything is written, when a batch fails (a
// *BatchError), or when ctx ends (ctx's error). It never returns before its goroutines have
// stopped. After an error it stops reading batches; what was written is what OnAck reported.
func Run(ctx context.Context, api API, batches <-chan Batch, o Options) (Stats, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	p := &pool{api: api, o: o, backoff: newBackoff(o.BaseDelay, o.MaxDelay, o.Rand)}
	capWCU := math.Inf(1)
	if o.MaxWriteUnitsPerSecond > 0 {
		capWCU = o.MaxWriteUnitsPerSecond
	}
	p.bucket = newBucket(capWCU, o.Now, o.Sleep)
	p.control = newRateController(o.MaxWriteUnitsPerSecond, o.Now, p.bucket)

	start := o.Now()
	stopProgress := p.reportProgress(start)
	g, gctx := errgroup.WithContext(ctx)
	for range o.Concurrency {
		g.Go(func() error { return p.work(gctx, batches) })
	}
	err = g.Wait()
	stopProgress()

	st := p.stats.snapshot(o.Now().Sub(start))
	if o.Progress != nil {
		o.Progress(st)
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		err = ctx.Err()
	}
	return st, err
}

// work takes batches until the channel closes, an error occurs, or ctx ends (which is also how
// a failing worker stops the others: errgroup cancels gctx).
func (p *pool) work(ctx context.Context, batches <-chan Batch) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case b, ok := <-batches:
			if !ok {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err // both were ready: the select picked at random
			}
			err := p.write(ctx, b)
			if p.o.Budget != nil {
				p.o.Budget.release(b)
			}
			if err != nil {
				return err
			}
		}
	}
}

// reportProgress calls Progress every ProgressInterval of real time until the returned stop
// function is called; stop waits for the goroutine. Progress ticks use real time on purpose:
// they pace a log, not the load, and a fake Sleep would make them spin.
func (p *pool) reportProgress(start time.Time) (stop func()) {
	if p.o.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(p.o.ProgressInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.o.Progress(p.stats.snapshot(p.o.Now().Sub(start)))
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
