package write

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// API is the part of the DynamoDB client the pool calls; *dynamodb.Client implements it.
type API interface {
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Request is one put or delete. Exactly one of Put and Delete is set.
type Request struct {
	Put    record.Item     // the item to write
	Delete record.Item     // the key attributes of the item to delete
	Pos    record.Position // where the request came from, for errors
	// WCU is the estimated write units: ddbitem.WriteUnits of the item size, 1 for a delete.
	// Zero or less means "compute it": ddbitem.ItemWriteUnits for a put, 1 for a delete.
	WCU int64
	Seq uint64 // the caller's sequence number, echoed in acks
}

// Batch is at most ddbitem.MaxBatchItems requests, no two on the same key (the caller
// guarantees it: DynamoDB rejects the whole call otherwise).
type Batch []Request

// Pool size limits.
const (
	DefaultConcurrency = 16
	MaxConcurrency     = 256
)

// Defaults for the zero values of Options.
const (
	DefaultNoProgressTimeout = 60 * time.Second
	DefaultBaseDelay         = 50 * time.Millisecond
	DefaultMaxDelay          = 5 * time.Second
	DefaultProgressInterval  = 5 * time.Second
)

// Options configure Run. Only Table is required.
type Options struct {
	Table string
	// Concurrency is the number of workers: default DefaultConcurrency, at most MaxConcurrency.
	Concurrency int
	// MaxWriteUnitsPerSecond caps the estimated write rate (WCU/s); 0 means no cap.
	MaxWriteUnitsPerSecond float64
	// NoProgressTimeout is how long a batch may be refused without any of its items being
	// acknowledged before the load gives up; default 60s. Time the batch queues for the write
	// rate does not count, unless no worker had anything acknowledged for as long.
	NoProgressTimeout time.Duration
	// BaseDelay and MaxDelay shape the backoff between re-sends; defaults 50ms and 5s.
	BaseDelay, MaxDelay time.Duration
	// OnAck receives the requests DynamoDB acknowledged, as they are acknowledged, each exactly
	// once. It is called from worker goroutines concurrently and must be safe for that. The
	// slice is not modified afterwards; OnAck must not modify it either.
	OnAck func(acked []Request)
	// OnSend receives a batch's requests just before its first BatchWriteItem call, once per
	// batch (re-sends carry a subset of them). From then on DynamoDB may hold them even if the
	// call fails, is cancelled or never answers: the caller must treat them as possibly written
	// until OnAck says they are. Called from worker goroutines concurrently, like OnAck.
	OnSend func(sent []Request)
	// Progress is called about every ProgressInterval (real time) while running and once at the
	// end with the final Stats (the ones Run returns); never concurrently.
	Progress         func(Stats)
	ProgressInterval time.Duration // default 5s
	// Budget, if set, is released by the pool as it finishes each batch; the producer of the
	// batches acquires it (Budget.Acquire) before building each one.
	Budget *Budget

	// Now and Sleep are the clock: backoff, rate waits, no-progress timeouts, rate control
	// timing and Stats.Duration all go through them, so tests can run on fake time. Sleep must
	// return ctx's error when ctx ends first. Defaults: time.Now and a timer.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand is the jitter source; default a randomly seeded PCG. The pool serialises access.
	Rand rand.Source
}

// withDefaults checks o and fills in its zero values.
func (o Options) withDefaults() (Options, error) {
	switch {
	case o.Table == "":
		return o, errors.New("write options: Table is required")
	case o.Concurrency < 0 || o.Concurrency > MaxConcurrency:
		return o, fmt.Errorf("write options: Concurrency %d is outside 1..%d", o.Concurrency, MaxConcurrency)
	case o.MaxWriteUnitsPerSecond < 0 || math.IsNaN(o.MaxWriteUnitsPerSecond) || math.IsInf(o.MaxWriteUnitsPerSecond, 0):
		return o, fmt.Errorf("write options: MaxWriteUnitsPerSecond %v must be a finite number >= 0 (0 means no cap)", o.MaxWriteUnitsPerSecond)
	case o.NoProgressTimeout < 0, o.BaseDelay < 0, o.MaxDelay < 0, o.ProgressInterval < 0:
		return o, errors.New("write options: durations must not be negative")
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.NoProgressTimeout == 0 {
		o.NoProgressTimeout = DefaultNoProgressTimeout
	}
	if o.BaseDelay == 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.MaxDelay < o.BaseDelay {
		return o, fmt.Errorf("write options: MaxDelay %s is below BaseDelay %s", o.MaxDelay, o.BaseDelay)
	}
	if o.ProgressInterval == 0 {
		o.ProgressInterval = DefaultProgressInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Rand == nil {
		o.Rand = rand.NewPCG(rand.Uint64(), rand.Uint64())
	}
	return o, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// cost is the write units a request is charged.
func (r *Request) cost() int64 {
	switch {
	case r.WCU > 0:
		return r.WCU
	case r.Put != nil:
		return ddbitem.ItemWriteUnits(r.Put)
	default:
		return 1
	}
}
