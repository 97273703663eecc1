# A declared key design, checked offline (no AWS credentials or region needed): an election
# table provisioned at 100,000 WCU/s for two candidates with a 90/10 split of the votes.
# Unsharded, the plan fails with TOO_FEW_SHARDS; with 90 shards per candidate it passes.
data "ddbload_partition_estimate" "votes" {
  write_units_per_second = 100000
  partition_key_count    = 2   # two candidates
  hottest_key_share      = 0.9 # the favourite gets 90% of the votes
  shard_count            = 90  # pk = "<candidate>#<1..90>"

  ignore = ["QUOTA"] # the account's per-table quota is raised to 100,000
}

output "votes" {
  value = {
    partitions      = data.ddbload_partition_estimate.votes.partitions      # 100
    required_shards = data.ddbload_partition_estimate.votes.required_shards # 90
    report          = data.ddbload_partition_estimate.votes.report
  }
}
