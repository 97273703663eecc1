// Package estimate is the plan-time key-design check behind the ddbload_partition_estimate
// data source: from declared capacity, storage and key design, a described table and/or a
// dataset's real key statistics, it estimates partitions and per-key limits, how many write
// shards the hottest key needs and what the design can actually reach, and reports findings
// (hot item collections under an LSI, too few shards, hot GSI keys, cold on-demand tables,
// quotas), each with what to change.
//
// Every number is a heuristic: DynamoDB does not publish partition counts. The formulas are
// the community-standard ones of the partition package (see the partition package). The package is
// plain Go; it knows nothing of Terraform, and the same Input always gives the same Result.
package estimate
