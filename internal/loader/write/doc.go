// Package write is the loader's writer pool: it sends batches of put and delete requests to one
// DynamoDB table with BatchWriteItem from a fixed number of workers, re-sends whatever DynamoDB
// did not process, and reports every acknowledged request through a callback so the caller
// always knows what is written.
//
// Three mechanisms pace the pool, each for its own reason:
//
//   - Per batch, capped exponential backoff with full jitter (delay = rand(0, min(MaxDelay,
//     BaseDelay·2^attempt))) before re-sending UnprocessedItems or a whole batch whose call
//     failed with a retryable error. Any acknowledged item restarts the batch's no-progress
//     clock; it gives up after NoProgressTimeout of being refused (time queued for the shared
//     write rate excluded, see stall.go), or when no worker got anything acknowledged for that
//     long, so a slow but moving table never fails a load and a dead one does.
//   - Shared by all workers, one token bucket in write units (golang.org/x/time/rate). Every
//     call is charged its estimated WCU before it is sent and corrected afterwards with the
//     ConsumedCapacity DynamoDB reports (GSI writes, size estimates a byte off).
//   - A controller (ratecontrol.go) sets that bucket's rate: min(MaxWriteUnitsPerSecond, its
//     rate). We chose a shared WCU/s rate over a shared concurrency window because a window
//     cannot slow a small table below one call per round trip; a rate can. Every 100 ms it
//     judges the calls sent in the last period: when items came back unprocessed (or calls
//     throttled) it sets the rate to 95% of what the table admitted in that period, its real
//     capacity once its burst is spent, rather than a fixed share of the rate; a fraction the
//     last cut halved is left to die down. Clean calls probe upwards from there, 1% of the
//     measured capacity per second at first, the slope doubling every 3 s. Without a cap the
//     rate is unlimited until the first throttle, which halves the measured send rate. A
//     fraction that cuts do not move is taken for faults, not capacity, and the rate is won
//     back (see ratecontrol.go).
//
// The SDK client (package awsclient) already retries 5xx and throttling errors a few times per
// call; this package handles what the SDK does not: UnprocessedItems, which the SDK treats as
// success, and calls whose SDK retries ran out.
//
// Errors: a non-retryable error stops the whole load and returns a *BatchError naming the
// position of the batch's first request; cancelling the context returns the context's error.
package write
