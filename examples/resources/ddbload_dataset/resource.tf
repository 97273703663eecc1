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

locals {
  order_key_types = { for a in aws_dynamodb_table.orders.attribute : a.name => a.type }
}

# data/orders.jsonl holds one order per line, keys included:
# {"pk": "customer#c-1001", "sk": "order#2025-03-14#o-77", "total": 129.95, "tags": ["gift", "express"]}
resource "ddbload_dataset" "orders" {
  table_name = aws_dynamodb_table.orders.name
  files      = ["${path.module}/data/orders.jsonl"]

  # The table is created in the same apply: declaring its keys lets the first plan validate
  # everything (duplicate keys included) and show the item count. Apply checks the table matches.
  key_schema = {
    hash_key       = aws_dynamodb_table.orders.hash_key
    hash_key_type  = local.order_key_types[aws_dynamodb_table.orders.hash_key]
    range_key      = aws_dynamodb_table.orders.range_key
    range_key_type = local.order_key_types[aws_dynamodb_table.orders.range_key]
  }

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
