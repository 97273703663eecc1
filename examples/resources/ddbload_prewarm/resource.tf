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
  attribute {
    name = "status"
    type = "S"
  }

  global_secondary_index {
    name            = "by_status"
    hash_key        = "status"
    projection_type = "KEYS_ONLY"
  }

  # ddbload_prewarm raises the warm throughput: keep the aws provider from
  # planning it back down (warm throughput cannot be lowered anyway).
  lifecycle {
    ignore_changes = [warm_throughput]
  }
}

# Launch day: the table and its GSI must take 30,000 writes and 20,000 reads
# per second from the first second. One UpdateTable call, no billing-mode change.
resource "ddbload_prewarm" "orders" {
  table_name             = aws_dynamodb_table.orders.name
  write_units_per_second = 30000
  read_units_per_second  = 20000

  # Every GSI gets the table's targets unless told otherwise.
  global_secondary_indexes = {
    by_status = {
      write_units_per_second = 30000
      read_units_per_second  = 5000
    }
  }
}

output "orders_warm" {
  value = {
    table = ddbload_prewarm.orders.warm_throughput
    gsis  = ddbload_prewarm.orders.global_secondary_index_warm_throughput
    done  = ddbload_prewarm.orders.last_run.actions
  }
}
