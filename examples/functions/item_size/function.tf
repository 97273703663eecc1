# An item's size by DynamoDB's rules and the write units one write of it costs.
locals {
  order = provider::ddbload::item_size(jsonencode({
    pk     = "acme#5"
    sk     = "o-1"
    total  = 12.5
    status = "shipped"
  }))
}

output "order_size" {
  value = local.order # { size_bytes = 34, write_units = 1 }
}
