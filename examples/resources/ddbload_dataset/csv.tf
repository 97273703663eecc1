# data/orders.csv, with a header row; set members are separated by ";" and a map column holds JSON:
#
#   customer_id,order_id,total,paid,tags,shipping
#   c-1001,o-77,129.95,true,gift;express,"{""zone"": ""eu"", ""days"": 2}"
#
# Columns not listed in `columns` are strings (S); empty cells are left out of the item.
resource "ddbload_dataset" "orders_csv" {
  table_name = aws_dynamodb_table.orders.name
  files      = ["${path.module}/data/orders.csv"]

  csv = {
    columns = {
      total    = "N"
      paid     = "BOOL"
      tags     = "SS"
      shipping = "M"
    }
    set_separator = ";"
  }

  # The table's keys are built from the columns: pk = "customer#c-1001", sk = "order#o-77".
  partition_key = "customer#{customer_id}"
  sort_key      = "order#{order_id}"
}
