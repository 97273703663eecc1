// Package prewarm readies a DynamoDB table and its global secondary indexes for a known
// peak, with one of two strategies (as DynamoDB documents them):
//
//   - warm_throughput: one UpdateTable that raises the table's and each GSI's WarmThroughput,
//     then a wait until DynamoDB reports it ACTIVE. Warm throughput never decreases, so a
//     table already at or above the targets needs no call at all.
//   - provisioned_switch: switch the table (and every GSI) to PROVISIONED at the targets,
//     wait until everything is ACTIVE, hold, then switch to the final billing mode. After the
//     switch to on-demand the table keeps sustaining its provisioned peak.
//
// Plan computes, from one DescribeTable, exactly which calls a run will make, the
// capacity-hours the hold bills, and what deserves a warning (quotas, the 4-per-24-hours rule
// for switches to on-demand, targets below what the table already has). Run carries that plan
// out with an injectable clock, honouring the context in every wait.
//
// It is plain Go: it must not import terraform-plugin-* (a lint rule enforces it). Errors are
// typed; the provider turns them into diagnostics.
package prewarm
