#!/usr/bin/env bash
# `make bench`: every benchmark of issue 7, printed as Markdown tables (BENCHMARKS.md shows a
# run). Benchmarks measure; they assert nothing about speed.
#   1. efficiency against the physical limit of a simulated table (uniform, sorted, Zipf-skewed
#      with and without sharding)
#   2. peers side by side: boto3 Table.batch_writer, the AWS CLI, a naive single-worker loader
#   3. raw speed and CPU per 100,000 items against the in-memory sink; peak RSS (memcheck)
#   4. terraform apply against the engine alone
#   5. terraform apply with the bulk put engine: staging in versitygw, the operation in the simulator
# Everything runs on 127.0.0.1 against the capacity simulator (internal/testrig/sim).
#
# Environment: TERRAFORM (the CLI for suites 4 and 5; the Makefile passes its own), TOOLS_DIR
# (where suite 5 finds versitygw; the Makefile exports it), BENCH_SUITES (a subset of
# "efficiency peers speed terraform bulkput memory"), BENCH_FLAGS (extra ddbload-bench flags, e.g. -quick),
# BENCH_WORKDIR (datasets, kept for reuse; default $TMPDIR/ddbload-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

# The peers are Debian's packages: python3-boto3 and awscli.
missing=()
/usr/bin/python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
[ -x /usr/bin/aws ] || missing+=(awscli)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]} with apt-get" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/ddbload-bench" ./internal/testrig/cmd/ddbload-bench

echo "# ddbload benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(free -g | awk '/^Mem:/ {print $2}') GiB memory, $(go version | cut -d' ' -f3-); boto3 $(/usr/bin/python3 -c 'import boto3; print(boto3.__version__)'), $(/usr/bin/aws --version 2>&1 | cut -d' ' -f1)"
echo

suites=${BENCH_SUITES:-efficiency peers speed terraform bulkput memory}
go_suites=$(tr ' ' '\n' <<<"$suites" | grep -vx -e memory -e '' | tr '\n' ' ' || true)
if [ -n "$go_suites" ]; then
  # shellcheck disable=SC2086 # BENCH_FLAGS and go_suites are word lists
  "$bin/ddbload-bench" -workdir "${BENCH_WORKDIR:-${TMPDIR:-/tmp}/ddbload-bench}" -terraform "${TERRAFORM:-terraform}" \
    ${BENCH_FLAGS:-} $go_suites
fi

if grep -qw memory <<<"$suites"; then
  echo "## 3b. Peak RSS against the file size (internal/testrig/cmd/memcheck -compare)"
  echo
  echo '```'
  go run ./internal/testrig/cmd/memcheck -compare
  echo '```'
  echo
  echo "Large items: 600 of about 390 KB (223 MB) and 5,000 of about 50 KB (240 MB), each as JSON Lines and as"
  echo "one gzip file (read in stripes through a spool):"
  echo
  echo '```'
  go build -o "$bin/memcheck" ./internal/testrig/cmd/memcheck
  "$bin/memcheck" -items 600 -pad 390000
  "$bin/memcheck" -items 600 -pad 390000 -gzip | tail -n 1
  "$bin/memcheck" -items 5000 -pad 50000 | tail -n 1
  "$bin/memcheck" -items 5000 -pad 50000 -gzip | tail -n 1
  echo '```'
fi
