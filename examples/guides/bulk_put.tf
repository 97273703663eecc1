resource "aws_s3_bucket" "staging" {
  bucket = "acme-ddbload-staging"
}

resource "ddbload_dataset" "events" {
  table_name = aws_dynamodb_table.events.name
  files      = ["s3://acme-exports/events/2026/*.ddb.jsonl.gz"]

  # Large writes go through DynamoDB's bulk put; small updates keep BatchWriteItem.
  engine  = "auto"
  staging = { bucket = aws_s3_bucket.staging.bucket }

  # At least 1,024 for bulk put (its MaxWriteRequestUnits).
  max_write_units_per_second = 20000

  timeouts = {
    create = "6h"
    update = "6h"
  }
}
