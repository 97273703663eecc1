# A provisioned table raised for a peak, then brought down to a steady
# capacity: no switch to on-demand, so the 4-per-24-hours rule never applies.
resource "ddbload_prewarm" "ledger" {
  table_name             = "ledger"
  strategy               = "provisioned_switch"
  write_units_per_second = 12000
  read_units_per_second  = 6000
  hold_duration          = "0s"

  final_billing_mode         = "PROVISIONED"
  final_write_capacity_units = 500
  final_read_capacity_units  = 1000

  global_secondary_indexes = {
    by_account = {
      write_units_per_second     = 12000
      final_write_capacity_units = 200
      final_read_capacity_units  = 200
    }
  }
}
