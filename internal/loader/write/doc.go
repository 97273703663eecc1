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
//   - An AIMD controller sets that bucket's rate: min(MaxWriteUnitsPerSecond, AIMD rate). We
//     chose a shared WCU/s rate over a shared concurrency window because a window cannot slow a
//     small table below one call per round trip; a rate can. A throttled call (exception or
//     UnprocessedItems) multiplies the rate by 0.7, at most once per 100 ms and never for a call
//     sent before the previous cut, so one burst of throttles counts once. Clean calls add back
//     a linear slope (10% of the post-cut rate per second) up to the cap. Without a cap the rate
//     is unlimited until the first throttle, which starts it at 0.7× the measured send rate.
//
// The SDK client (package awsclient) already retries 5xx and throttling errors a few times per
// call; this package handles what the SDK does not: UnprocessedItems, which the SDK treats as
// success, and calls whose SDK retries ran out.
//
// Errors: a non-retryable error stops the whole load and returns a *BatchError naming the
// position of the batch's first request; cancelling the context returns the context's error.
package write
