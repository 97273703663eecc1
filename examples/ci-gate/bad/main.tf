# The key-design gate, as CI runs it: `terraform plan` fails on this design. Two tables:
#
# - votes: an election with two candidates and a 90/10 split of the votes, provisioned at
#   100,000 WCU/s, keyed by candidate. One candidate's 90,000 WCU/s land on one partition-key
#   value, which takes at most 1,000: TOO_FEW_SHARDS (at least 90 shards needed).
# - events: a time series keyed by user id alone with an LSI, where a job writes each user's
#   5,000 events at once. The collection needs 5,000 WCU/s and the LSI keeps it on one
#   partition: LSI_HOT_COLLECTION.
#
# ../fixed is the same tables with the keys fixed. No AWS credentials or region are needed:
# the estimates use declared numbers only.

terraform {
  required_providers {
    ddbload = {
      source = "ddbload/ddbload"
    }
  }
}

provider "ddbload" {}

locals {
  # The same numbers would feed the aws_dynamodb_table resources of the real module.
  votes  = { write_units = 100000, candidates = 2, favourite_share = 0.9, shards = 1 }
  events = { write_units = 10000, partition_keys = 10000, items_per_key = 5000, lsis = 1 }
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
  partition_key_count         = local.events.partition_keys # pk = user_id
  largest_collection_items    = local.events.items_per_key
  average_item_bytes          = 300
  collections_written_at_once = true
}
