// Package order is the loader's order stage and batcher. The order stage decides in which
// order items reach DynamoDB so that many partitions are written at once rather than one
// after the other (a sorted file causes a rolling hot partition); the batcher packs the ordered items into BatchWriteItem requests that
// DynamoDB accepts whole.
//
// Modes:
//   - Interleave (default) holds up to Window entries bucketed by partition key and emits one
//     entry from each bucket in turn (U1, U2, U3, U1, U2, ...). Sorted input comes out
//     interleaved; within one partition key the input order is kept; the output depends only
//     on the input.
//   - Shuffle is a windowed shuffle seeded by Options.Seed (see New).
//   - Preserve keeps the input order.
//
// Interleaving and shuffling only reorder entries within the window: a partition key with
// more entries than the window arrives mostly in one run unless the input itself mixes the
// runs. The loader does that for Interleave: it reads the dataset's stripes (source.Stripes)
// all at once, so sorted input reaches this stage with every key's run under way, each at
// the pace of its share of the data. What no order can spread is a single partition key with
// more items than one partition writes during the load (1,000 WCU/s): only write sharding
// (package keys) does. Order never changes what ends up in the table, because duplicate
// keys are resolved before this stage.
//
// Memory: the order stage holds at most Window entries (about Window × the average item
// size; 10,000 entries of 1 KB are about 10 MB), the batcher one batch.
//
// Errors from the input iterator are returned at once, not after the held entries; the
// stages keep their state, so a caller may call Next again to go on past an input that
// recovers.
package order
