# A live table: DescribeTable fills in the billing mode, the provisioned capacity, the size and
# the LSIs; the declared numbers say how the keys are used. A time-series table keyed by user
# id with an LSI, where a job writes each user's 5,000 events at once, fails with
# LSI_HOT_COLLECTION: the collection needs 5 partitions' worth of writes, and an LSI keeps it
# on one. Keyed by "<date>:<user_id>" (about 2 items per key), as declared here, it passes.
data "ddbload_partition_estimate" "events" {
  table_name = "events" # an existing table; a name known only after apply defers the check to apply

  write_units_per_second      = 10000 # the planned peak, above today's capacity
  partition_key_count         = 2500000
  largest_collection_items    = 2
  average_item_bytes          = 300
  collections_written_at_once = true
  sort_key_monotonic          = true # the sort key is a timestamp

  global_secondary_indexes = [
    { name = "by_customer", partition_key_count = 200000 },
  ]
}
