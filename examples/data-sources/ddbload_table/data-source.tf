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

data "ddbload_table" "orders" {
  name = aws_dynamodb_table.orders.name
}

output "orders_keys" {
  value = {
    partition_key = data.ddbload_table.orders.partition_key.name
    sort_key      = try(data.ddbload_table.orders.sort_key.name, null)
    lsis          = length(data.ddbload_table.orders.local_secondary_indexes)
  }
}
