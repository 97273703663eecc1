# Seed data kept in S3: a DynamoDB export's gzip JSON lines, read with the provider's AWS settings.
resource "ddbload_dataset" "from_s3" {
  table_name = "orders"
  files      = ["s3://acme-seed-data/orders/2026-11/*.ddb.jsonl.gz"]
}
