# Load a dataset on demand, for example to restore a test table's seed data after a test run
# changed it:
#
#   terraform apply -invoke=action.ddbload_load.fixtures
action "ddbload_load" "fixtures" {
  config {
    table_name                 = "test-fixtures"
    files                      = ["${path.module}/fixtures/*.jsonl"]
    max_write_units_per_second = 500

    timeouts = {
      invoke = "15m"
    }
  }
}
