#!/usr/bin/env bash
# Writes the provider's schema, as `providers schema -json` reports it, to the file given, for
# tfplugindocs --providers-schema. It asks the current Terraform: Terraform 1.5.7 predates provider
# functions and OpenTofu has no actions, so either would leave those out of the schema (and out
# of the docs).
#
#   scripts/providers-schema.sh CLI_BINARY OUTPUT_JSON
set -euo pipefail

cli=$1
out=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$repo" && go build -o "$work/bin/terraform-provider-ddbload" .)
cat >"$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/ddbload/ddbload" = "$work/bin"
    "registry.opentofu.org/ddbload/ddbload" = "$work/bin"
  }
  direct {}
}
RC
mkdir "$work/config"
cat >"$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    ddbload = {
      source = "ddbload/ddbload"
    }
  }
}
TF

# tfplugindocs looks the schema up by the provider's short name.
(cd "$work/config" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$cli" providers schema -json) |
  sed -E 's#"registry\.(terraform\.io|opentofu\.org)/ddbload/ddbload":#"ddbload":#' >"$work/schema.json"
grep -q '"ddbload":' "$work/schema.json" || { echo "providers-schema: no ddbload schema in the output" >&2; exit 1; }
mv "$work/schema.json" "$out"
