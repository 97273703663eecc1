# The configuration `make demo` applies against a local dynalite table: it loads 100,000
# generated orders, 40% of them from one customer, with that customer's key write-sharded.

terraform {
  required_providers {
    ddbload = {
      source = "registry.terraform.io/ddbload/ddbload"
    }
  }
}

variable "endpoint" {
  type        = string
  description = "DynamoDB-compatible endpoint, e.g. the local dynalite that make demo starts."
}

variable "table_name" {
  type        = string
  description = "An existing table with a string partition key pk and a string sort key sk."
}

variable "data_file" {
  type        = string
  description = "The orders to load, JSON Lines (make demo generates them)."
}

provider "ddbload" {
  region     = "us-east-1"
  endpoint   = var.endpoint
  access_key = "local" # dynalite accepts any credentials
  secret_key = "local"
}

data "ddbload_table" "demo" {
  name = var.table_name
}

# One line of the file: {"order_id":"o-0000001","customer":"bigbox-retail","order_date":"2025-01-01",...}
#
# Keyed by customer alone, bigbox-retail's 40% of the orders would share one partition key, and
# one partition serves at most 1,000 WCU/s: at the table's 5,000 WCU/s that key would need
# 2,000, and the plan would warn "Hot Partition Key". {shard} splits every customer's key ten
# ways by a hash of the order id, so the hot customer becomes ten keys of about 4% each. A
# single order stays directly readable: pk = "bigbox-retail#" + (FNV-1a(order_id) mod 10 + 1).
resource "ddbload_dataset" "orders" {
  table_name      = var.table_name
  files           = [var.data_file]
  partition_key   = "{customer}#{shard}"
  sort_key        = "{order_date}#{order_id}"
  shard_attribute = "order_id"
  shard_count     = 10
}

output "table" {
  description = "What the provider reads of the table."
  value = {
    name           = data.ddbload_table.demo.name
    status         = data.ddbload_table.demo.status
    partition_key  = data.ddbload_table.demo.partition_key
    sort_key       = data.ddbload_table.demo.sort_key
    billing_mode   = data.ddbload_table.demo.billing_mode
    write_capacity = data.ddbload_table.demo.write_capacity_units
    read_capacity  = data.ddbload_table.demo.read_capacity_units
    gsis           = [for g in data.ddbload_table.demo.global_secondary_indexes : g.name]
  }
}

output "item_count" {
  description = "Items the dataset put in the table."
  value       = ddbload_dataset.orders.item_count
}

output "content_sha256" {
  description = "Digest of the loaded items: it changes exactly when the table's copy would."
  value       = ddbload_dataset.orders.content_sha256
}

output "estimated_load_seconds" {
  description = "The plan's estimate of a full load on a real table of this capacity."
  value       = ddbload_dataset.orders.estimated_load_seconds
}

output "last_load" {
  description = "What the apply did: items written, duration, items per second, throttles and retries."
  value       = ddbload_dataset.orders.last_load
}
