resource "aws_dynamodb_table" "events" {
  name         = "events"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  # ddbload_prewarm switches the billing mode and capacity for a while: keep
  # the aws provider from switching them back on its next apply.
  lifecycle {
    ignore_changes = [billing_mode, read_capacity, write_capacity, warm_throughput]
  }
}

# The classic trick: provision the peak, let DynamoDB allocate the partitions,
# then go back to on-demand, which keeps sustaining the previous peak.
resource "ddbload_prewarm" "events" {
  table_name             = aws_dynamodb_table.events.name
  strategy               = "provisioned_switch"
  write_units_per_second = 20000
  read_units_per_second  = 10000

  # Stay provisioned at the peak for 10 minutes once everything is ACTIVE
  # (the plan shows the capacity-hours this bills), then switch.
  hold_duration      = "10m"
  final_billing_mode = "PAY_PER_REQUEST"

  timeouts = {
    create = "45m"
  }
}
