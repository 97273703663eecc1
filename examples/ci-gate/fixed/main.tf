# The designs of ../bad, fixed; `terraform plan` passes:
#
# - votes: each candidate's key is split into 90 calculated shards, pk = "<candidate>#<1..90>"
#   (provider::ddbload::shard, or ddbload_dataset's {shard}), so no value needs more than
#   1,000 WCU/s.
# - events: keyed by "<date>:<user_id>", a user's events of one day (about 2 items) form a
#   collection; no collection needs more than one partition, even with the LSI.

terraform {
  required_providers {
    ddbload = {
      source = "ddbload/ddbload"
    }
  }
}

provider "ddbload" {}

locals {
  votes  = { write_units = 100000, candidates = 2, favourite_share = 0.9, shards = 90 }
  events = { write_units = 10000, partition_keys = 2500000, items_per_key = 2, lsis = 1 }
}

data "ddbload_partition_estimate" "votes" {
  write_units_per_second = local.votes.write_units
  partition_key_count    = local.votes.candidates
  hottest_key_share      = local.votes.favourite_share
  shard_count            = local.votes.shards

  ignore = ["QUOTA"] # this account's per-table quota is raised to 100,000
}

data "ddbload_partition_estimate" "events" {
  write_units_per_second      = local.events.write_units
  lsi_count                   = local.events.lsis
  partition_key_count         = local.events.partition_keys # pk = "<date>:<user_id>"
  largest_collection_items    = local.events.items_per_key
  average_item_bytes          = 300
  collections_written_at_once = true
}

output "votes_required_shards" {
  value = data.ddbload_partition_estimate.votes.required_shards # 90
}

output "events_report" {
  value = data.ddbload_partition_estimate.events.report
}
