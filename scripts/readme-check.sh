#!/usr/bin/env bash
# Follows README.md's "With a local build" steps as written, under each CLI given, so that the
# recipe cannot rot: the sh block is run in a scratch HOME from the clone's root, and its last
# line (`terraform plan`, or `tofu plan` under OpenTofu) in a configuration that uses the
# provider offline (a data source and a provider function). The plan must show their values.
#
#   scripts/readme-check.sh CLI_BINARY...
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

block=$(awk '/^### With a local build/ {in_section = 1}
             in_section && /^```sh$/ {in_block = 1; next}
             in_block && /^```$/ {exit}
             in_block {print}' README.md)
[ -n "$block" ] || { echo "readme-check: README.md has no sh block under '### With a local build'" >&2; exit 1; }
last=$(printf '%s\n' "$block" | tail -n 1)
[[ $last == "terraform plan"* ]] || { echo "readme-check: the recipe's last line is no longer 'terraform plan': $last" >&2; exit 1; }
steps=$(printf '%s\n' "$block" | sed '$d')

# The scratch HOME must not move Go's caches.
export GOPATH GOMODCACHE GOCACHE
GOPATH=$(go env GOPATH) GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE)
export CHECKPOINT_DISABLE=1
# The recipe sets its own CLI configuration; the machine's must not disturb the version check.
unset TF_CLI_CONFIG_FILE

for cli in "$@"; do
  case "$("$cli" version)" in
    OpenTofu*) name=tofu ;;
    *) name=terraform ;;
  esac
  work=$(mktemp -d)
  mkdir -p "$work/home" "$work/bin" "$work/config"
  ln -s "$cli" "$work/bin/$name"
  cat >"$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    ddbload = {
      source = "ddbload/ddbload"
    }
  }
}

data "ddbload_partition_estimate" "orders" {
  write_units_per_second = 4000
  read_units_per_second  = 7500
}

output "partitions" {
  value = {
    estimate = data.ddbload_partition_estimate.orders.partitions
    function = provider::ddbload::partitions(7500, 4000, 100)
  }
}
TF
  plan=${last/#terraform plan/$name plan -no-color}
  echo "readme-check: README's local-build recipe under $("$cli" version | head -n 1)"
  if ! out=$(cd "$repo" && HOME="$work/home" PATH="$work/bin:$PATH" bash -euo pipefail -c \
    "$steps
cd '$work/config'
$plan" 2>&1); then
    printf '%s\n' "$out"
    echo "readme-check: the recipe failed under $name" >&2
    exit 1
  fi
  if ! grep -q 'estimate = 7' <<<"$out" || ! grep -q 'function = 10' <<<"$out"; then
    printf '%s\n' "$out"
    echo "readme-check: the plan under $name does not show the provider's values" >&2
    exit 1
  fi
  rm -rf "$work"
done
echo "readme-check: the local-build recipe works as written"
