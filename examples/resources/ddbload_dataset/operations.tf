# Reference data loaded next to production traffic: capped, checked in full on every refresh,
# kept in the table when the resource goes away, with room for a long first load.
resource "ddbload_dataset" "catalogue" {
  table_name = aws_dynamodb_table.orders.name
  files      = ["${path.module}/data/catalogue/*.ddb.json"] # DynamoDB JSON, e.g. from an S3 export

  max_write_units_per_second = 500      # WCU/s; leaves the rest of the table's capacity to the application
  drift_check                = "full"   # read back every loaded item on refresh (1 RCU per 4 KB item)
  on_destroy                 = "retain" # destroy (or replacement) leaves the items in the table

  timeouts = {
    create = "2h"
    update = "2h"
    read   = "15m"
    delete = "1h"
  }
}
