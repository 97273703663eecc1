# Seed a new table once, right after Terraform creates it, and watch the load's progress in the
# CLI (Terraform 1.14 or later).
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

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.ddbload_load.orders]
    }
  }
}

action "ddbload_load" "orders" {
  config {
    table_name    = aws_dynamodb_table.orders.name
    files         = ["${path.module}/data/orders.jsonl.gz"]
    partition_key = "{customer_id}"
    sort_key      = "{order_date}#{order_id}"
  }
}
