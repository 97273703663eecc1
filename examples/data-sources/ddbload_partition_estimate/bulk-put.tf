# Before a bulk put (ddbload_dataset with engine = "bulk_put"): with the same engine the gate
# also fails for a global table, which bulk put refuses, and warns when the table's write
# capacity is below the 1,024 WCU/s a bulk put cannot be capped under. The dataset's own key
# statistics replace a declared key design.
data "ddbload_partition_estimate" "before_bulk_put" {
  table_name = "events"
  engine     = "bulk_put"

  dataset = {
    files = ["s3://acme-exports/events/2026/*.ddb.jsonl.gz"]
  }
}
