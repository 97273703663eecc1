# The configuration `make demo` applies against a local dynalite table.

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
  description = "An existing table."
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
