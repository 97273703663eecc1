// Package loader is the bulk-load engine: it turns dataset files into a DynamoDB table's
// contents as fast as the table's partitions allow, with nothing lost.
//
// The pipeline: source readers (package source) → items with exact
// types → key stage (package keys: templates, shard suffixes, schema checks) → dedupe → order
// stage (package order: interleave, shuffle, preserve) → batcher → writer pool (package
// write: BatchWriteItem with retries, backoff and an optional WCU/s cap) → stats and progress.
// Validation reads the files once in order and records their stripes; the write pass of an
// interleaving load reads all stripes at once (see source.OpenStripes), so that the order
// stage sees every stretch of sorted input from the start. Records are named by their
// sequence number in file order throughout, whatever order they are read in.
//
// It is plain Go: it must not import terraform-plugin-* (a lint rule enforces it). Errors are
// typed and carry positions (file, line, record) so the provider can turn them into
// diagnostics.
package loader
