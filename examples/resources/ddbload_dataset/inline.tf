# A handful of items, written in the configuration. jsonencode keeps numbers exact; objects
# become maps (M), lists lists (L) unless attribute_types says otherwise, null stays NULL.
resource "ddbload_dataset" "settings" {
  table_name = aws_dynamodb_table.orders.name

  items = jsonencode([
    { pk = "config", sk = "checkout", max_items = 50, currencies = ["EUR", "USD"], express = true },
    { pk = "config", sk = "shipping", zones = { eu = 4.9, us = 9.9 }, note = null },
  ])

  attribute_types = {
    currencies = "SS"
  }
}
