// Package loader is the bulk-load engine: it turns dataset files into a DynamoDB table's
// contents as fast as the table's partitions allow, with nothing lost.
//
// The pipeline: source readers (package source) → items with exact
// types → key stage (package keys: templates, shard suffixes, schema checks) → dedupe → order
// stage (package order: interleave, shuffle, preserve) → batcher → writer pool (package
// write: BatchWriteItem with retries, backoff and an optional WCU/s cap) → stats and progress.
//
// It is plain Go: it must not import terraform-plugin-* (a lint rule enforces it). Errors are
// typed and carry positions (file, line, record) so the provider can turn them into
// diagnostics.
package loader
