#!/usr/bin/env bash
# Runs every Go fuzz target in the module for a bounded time each (FUZZTIME, default 10s), so
# `make test` keeps exercising the parsers beyond their checked-in seed corpora. A failure
# leaves the crashing input under the package's testdata/fuzz/, where it becomes a regression
# test: commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
targets=$(grep -rl --include='*_test.go' '^func Fuzz' internal | sort)
[ -n "$targets" ] || { echo "fuzz: no fuzz targets found"; exit 1; }
count=0
for file in $targets; do
  pkg=./$(dirname "$file")
  for name in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    echo "fuzz: $pkg $name for $fuzztime"
    go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg" | grep -v '^fuzz: elapsed' || exit 1
    count=$((count + 1))
  done
done
echo "fuzz: $count targets passed"
