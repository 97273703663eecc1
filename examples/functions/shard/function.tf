# The calculated write-shard suffix, exactly as ddbload_dataset's {shard} computes it: read one
# sharded order of tenant "acme" directly.
locals {
  order_id  = "o-1"
  order_key = "acme#${provider::ddbload::shard(local.order_id, 10)}" # "acme#5"
}

output "order_key" {
  value = local.order_key
}
