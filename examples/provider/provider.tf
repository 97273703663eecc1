terraform {
  required_providers {
    ddbload = {
      source = "ddbload/ddbload"
    }
  }
}

# With no settings the provider uses the standard AWS chain (AWS_REGION, AWS_PROFILE, SSO,
# web identity, instance role), resolved only when a resource actually calls DynamoDB.
provider "ddbload" {
  region = "eu-west-1"
}

# Against a local DynamoDB-compatible server (DynamoDB Local, dynalite, ScyllaDB Alternator):
provider "ddbload" {
  alias      = "local"
  region     = "us-east-1"
  endpoint   = "http://127.0.0.1:8000"
  access_key = "local" # local servers accept any credentials
  secret_key = "local"
}

# Through a role in another account:
provider "ddbload" {
  alias  = "seed"
  region = "eu-west-1"

  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/seed-loader"
    session_name = "terraform-seed"
    duration     = "1h"
  }
}
