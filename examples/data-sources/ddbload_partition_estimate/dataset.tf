# A dataset's real key distribution, read with the same settings and code as ddbload_dataset:
# distinct partition-key values after templating and sharding, the hottest value's share of
# the items, the largest collection. Offline, the table's key schema comes from key_schema.
data "ddbload_partition_estimate" "orders" {
  write_units_per_second = 20000 # the rate the orders are loaded at
  lsi_count              = 1

  dataset = {
    files           = ["${path.module}/data/orders.jsonl.gz"]
    partition_key   = "{customer_id}#{shard}"
    sort_key        = "{order_id}"
    shard_attribute = "order_id"
    shard_count     = 50

    key_schema = {
      hash_key  = "pk"
      range_key = "sk"
    }
  }
}

output "orders_hottest_key" {
  value = data.ddbload_partition_estimate.orders.dataset_statistics.hottest_partition_key
}
