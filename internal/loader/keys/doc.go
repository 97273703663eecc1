// Package keys is the loader's key stage: it builds each item's primary key from templates
// ("{tenant}#{shard}", "{date}:{user_id}"), adds calculated write-shard suffixes, checks the
// key attributes against the table's key schema (the table's keys, and the secondary indexes'
// keys an item carries), and gives every item a canonical Key that compares equal exactly when
// DynamoDB would consider two keys equal.
//
// The shard function (Shard, ShardOf) is part of the provider's contract: provider functions,
// the partition estimate and the loader all call it, and users may recompute it in their own
// code, so it must never change.
package keys
