# Write sharding: one tenant has far more orders than one partition can take at load speed, so
# every tenant's key is split ten ways by a hash of the order id. An order of tenant "acme"
# lands under pk = "acme#1" ... "acme#10"; which one is FNV-1a-64(order_id) mod 10 + 1, so a
# single order can still be read directly.
resource "ddbload_dataset" "tenant_orders" {
  table_name = aws_dynamodb_table.orders.name
  files      = ["${path.module}/data/tenant-orders/*.jsonl.gz"]

  partition_key   = "{tenant}#{shard}"
  sort_key        = "{order_id}"
  shard_attribute = "order_id"
  shard_count     = 10
}

# Composite keys without sharding: one partition key per user and day, e.g.
# {"date": "2025-03-14", "user_id": "u-42", "ts": 1741950000123, "event": "login"}
# becomes pk = "2025-03-14:u-42", sk = "1741950000123" (a number placeholder renders as its text).
resource "ddbload_dataset" "activity" {
  table_name = aws_dynamodb_table.activity.name # pk (S), sk (S), like orders
  files      = ["${path.module}/data/activity.jsonl"]

  partition_key = "{date}:{user_id}"
  sort_key      = "{ts}"
}
