#!/usr/bin/env bash
# Runs every Go fuzz target in the module for a bounded time each (FUZZTIME, default 10s), so
# `make test` keeps exercising the parsers beyond their checked-in seed corpora. A failure
# leaves the crashing input under the package's testdata/fuzz/, where it becomes a regression
# test: commit it with the fix.
#
# Go 1.26's fuzz coordinator can report "context deadline exceeded" when -fuzztime ends while a
# worker is mid-call (golang/go#75804, fixed in Go 1.27): a failure with that message and no
# new input written is that race, not a finding, and the target runs again (at most twice more).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
targets=$(grep -rl --include='*_test.go' '^func Fuzz' internal | sort)
[ -n "$targets" ] || { echo "fuzz: no fuzz targets found"; exit 1; }

# corpus lists the inputs saved for a target (none yet: nothing).
corpus() { ls "$1/testdata/fuzz/$2" 2>/dev/null || true; }

count=0
for file in $targets; do
  pkg=./$(dirname "$file")
  for name in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    for attempt in 1 2 3; do
      echo "fuzz: $pkg $name for $fuzztime"
      before=$(corpus "$pkg" "$name")
      status=0
      out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg" 2>&1) || status=$?
      grep -v '^fuzz: elapsed' <<<"$out" || true
      [ "$status" -eq 0 ] && break
      if [ "$attempt" -lt 3 ] && [ "$(corpus "$pkg" "$name")" = "$before" ] &&
        grep -qx '    context deadline exceeded' <<<"$out"; then
        echo "fuzz: $name stopped on Go's fuzz-deadline race (golang/go#75804), no input saved: running it again"
        continue
      fi
      exit 1
    done
    count=$((count + 1))
  done
done
echo "fuzz: $count targets passed"
