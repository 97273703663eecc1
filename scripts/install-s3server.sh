#!/usr/bin/env bash
# Builds the S3-compatible server the tests run on 127.0.0.1, versitygw (Apache-2.0; its posix
# backend keeps buckets as folders and objects as files), from source through the Go module
# proxy (no prebuilt binary can be downloaded here), and caches it by version. Idempotent: a
# cached build is reused as it is. Prints the binary's path on stdout, progress on stderr.
# docs/design/s3-test-server.md says how to start and stop it.
#
#   TOOLS_DIR            cache folder (default: ~/.cache/terraform-provider-ddbload/tools, as in
#                        .ci/run; make passes its own)
#   VERSITYGW_VERSION    default 1.8.0 (the only version the module proxy listed on 2026-12-04)
#
# The build runs at the lowest CPU priority; GOMAXPROCS and GOFLAGS (e.g. -p=1) from the
# environment are passed on. A cold build took 3.5 minutes on one core.
set -euo pipefail

tools=${TOOLS_DIR:-$HOME/.cache/terraform-provider-ddbload/tools}
version=${VERSITYGW_VERSION:-1.8.0}
module=github.com/versity/versitygw

log() { printf 'install-s3server: %s\n' "$*" >&2; }

dest=$tools/versitygw/$version
if [ -x "$dest/versitygw" ]; then
  log "versitygw $version cached at $dest"
  printf '%s\n' "$dest/versitygw"
  exit 0
fi

log "building versitygw $version from its module source (takes a few minutes)"
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
# versitygw's go.mod has no replace directives, so `go install module@version` builds it straight
# from the module download, outside any clone (a temporary folder, so this repository's go.mod
# plays no part). -s -w drops the symbol and debug tables (the binary is 61 MB); main.Version is
# what `versitygw --version` and its start banner print.
build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT
(cd "$build_dir" && GOBIN="$dest.tmp" GOFLAGS="-buildvcs=false ${GOFLAGS:-}" nice -n 19 \
  go install -trimpath -ldflags "-s -w -X=main.Version=v$version" "$module/cmd/versitygw@v$version")
[ -x "$dest.tmp/versitygw" ] || { log "go install left no versitygw binary in $dest.tmp"; exit 1; }
rm -rf "$dest" && mv "$dest.tmp" "$dest"
log "versitygw $version built at $dest"
printf '%s\n' "$dest/versitygw"
