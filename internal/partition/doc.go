// Package partition holds the partition arithmetic the provider's plan-time checks rely on:
// the community-standard (heuristic) partition formula, per-partition and per-key limits, and
// how many write shards a key needs. The partition estimate data source, the dataset
// resource's hot-key warning and the provider functions all call these functions.
//
// DynamoDB does not publish a partition count; the formula is the one the old Developer Guide
// documented by AWS and is an estimate.
package partition
