resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
}

# data/orders.jsonl holds one order per line, keys included:
# {"pk": "customer#c-1001", "sk": "order#2025-03-14#o-77", "total": 129.95, "tags": ["gift", "express"]}
resource "ddbload_dataset" "orders" {
  table_name = aws_dynamodb_table.orders.name
  files      = ["${path.module}/data/orders.jsonl"]

  # A JSON array becomes a list (L); make this one a string set (SS).
  attribute_types = {
    tags = "SS"
  }
}

output "orders_loaded" {
  value = {
    items     = ddbload_dataset.orders.item_count
    digest    = ddbload_dataset.orders.content_sha256
    last_load = ddbload_dataset.orders.last_load
  }
}
