#!/usr/bin/env bash
# Builds the Terraform and OpenTofu CLIs used by the acceptance tests from source through the
# Go module proxy (no prebuilt binary can be downloaded here) and caches them by version.
# Prints nothing but progress on stderr; a cached build is reused as it is.
#
#   TOOLS_DIR            cache folder (default: <repo>/.tools, git-ignored)
#   TERRAFORM_VERSION    default 1.5.7
#   OPENTOFU_VERSION     default 1.12.6
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS_DIR:-$repo/.tools}
tf_version=${TERRAFORM_VERSION:-1.5.7}
tofu_version=${OPENTOFU_VERSION:-1.12.6}

log() { printf 'install-clis: %s\n' "$*" >&2; }

# module_copy prints a writable copy of module@version's source, downloaded through the Go
# module proxy: `go install module@version` refuses modules whose go.mod has replace
# directives (Terraform since 1.6, OpenTofu), so they are built from a copy of their source.
module_copy() {
  local src work
  src=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "$1@v$2" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || { log "could not download $1@v$2"; exit 1; }
  work=$(mktemp -d)
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  printf '%s\n' "$work"
}

# drop_missing_backends removes from a Terraform source copy the state-storage backends whose
# code is not in its module download: since 1.6 Terraform keeps them in nested modules, which a
# module zip leaves out, and its go.mod points at them with replace directives. The tests use
# the local backend only.
drop_missing_backends() {
  local work=$1 path alias
  for path in $(sed -n 's#^replace github.com/hashicorp/terraform/\(internal/backend/remote-state/[A-Za-z0-9_]*\) => \./.*#\1#p' "$work/go.mod"); do
    [ -d "$work/$path" ] && continue
    sed -i "\#^[[:space:]]*github.com/hashicorp/terraform/$path #d; \#^replace github.com/hashicorp/terraform/$path #d" "$work/go.mod"
    alias=$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"github.com/hashicorp/terraform/$path\"#\1#p" "$work/internal/backend/init/init.go")
    [ -n "$alias" ] || { log "cannot find the import of $path in internal/backend/init/init.go"; exit 1; }
    sed -i "\#\"github.com/hashicorp/terraform/$path\"#d; /$alias\.New(/d" "$work/internal/backend/init/init.go"
    log "left out the $path backend (not in the module download)"
  done
}

build_terraform() {
  local dest=$tools/terraform/$tf_version
  if [ -x "$dest/terraform" ]; then
    log "terraform $tf_version cached at $dest"
    return
  fi
  log "building terraform $tf_version from its module source (takes a few minutes)"
  local work
  work=$(module_copy github.com/hashicorp/terraform "$tf_version")
  drop_missing_backends "$work"
  mkdir -p "$dest.tmp"
  # dev=no: report the release version, not "-dev".
  (cd "$work" && GOFLAGS="-buildvcs=false -mod=mod" go build -ldflags "-X github.com/hashicorp/terraform/version.dev=no" \
    -o "$dest.tmp/terraform" .)
  rm -rf "$work"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

build_tofu() {
  local dest=$tools/tofu/$tofu_version
  if [ -x "$dest/tofu" ]; then
    log "tofu $tofu_version cached at $dest"
    return
  fi
  log "building tofu $tofu_version from its module source (takes a few minutes)"
  local work
  work=$(module_copy github.com/opentofu/opentofu "$tofu_version")
  mkdir -p "$dest.tmp"
  # dev=no: report the release version, not "-dev".
  (cd "$work" && GOFLAGS=-buildvcs=false go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" \
    -o "$dest.tmp/tofu" ./cmd/tofu)
  rm -rf "$work"
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

case "${1:-all}" in
  terraform) build_terraform ;;
  tofu) build_tofu ;;
  all) build_terraform; build_tofu ;;
  *) log "usage: $0 [terraform|tofu|all]"; exit 2 ;;
esac
