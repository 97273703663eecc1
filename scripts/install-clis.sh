#!/usr/bin/env bash
# Builds the Terraform and OpenTofu CLIs used by the acceptance tests from source through the
# Go module proxy (no prebuilt binary can be downloaded here) and caches them by version.
# Prints nothing but progress on stderr; a cached build is reused as it is.
#
#   TOOLS_DIR            cache folder (default: <repo>/.tools, git-ignored)
#   TERRAFORM_VERSION    default 1.5.7
#   OPENTOFU_VERSION     default 1.10.10
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS_DIR:-$repo/.tools}
tf_version=${TERRAFORM_VERSION:-1.5.7}
tofu_version=${OPENTOFU_VERSION:-1.10.10}

log() { printf 'install-clis: %s\n' "$*" >&2; }

build_terraform() {
  local dest=$tools/terraform/$tf_version
  if [ -x "$dest/terraform" ]; then
    log "terraform $tf_version cached at $dest"
    return
  fi
  log "building terraform $tf_version from the Go module proxy (takes a few minutes)"
  mkdir -p "$dest.tmp"
  GOBIN="$dest.tmp" GOFLAGS=-buildvcs=false go install "github.com/hashicorp/terraform@v$tf_version"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

build_tofu() {
  local dest=$tools/tofu/$tofu_version
  if [ -x "$dest/tofu" ]; then
    log "tofu $tofu_version cached at $dest"
    return
  fi
  log "building tofu $tofu_version from its module source (takes a few minutes)"
  local src work
  src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$tofu_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || { log "could not download github.com/opentofu/opentofu@v$tofu_version"; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  mkdir -p "$dest.tmp"
  # dev=no: report the release version, not "-dev".
  (cd "$work" && GOFLAGS=-buildvcs=false go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
    -o "$dest.tmp/tofu" ./cmd/tofu)
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

case "${1:-all}" in
  terraform) build_terraform ;;
  tofu) build_tofu ;;
  all) build_terraform; build_tofu ;;
  *) log "usage: $0 [terraform|tofu|all]"; exit 2 ;;
esac
