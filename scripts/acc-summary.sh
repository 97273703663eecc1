#!/usr/bin/env bash
# Passes `go test -v` output through and ends it with a count of the acceptance tests that ran
# under one CLI, so the log shows they were executed. Fails when any failed or none passed.
# Skips are listed: only tests that declare a minimum CLI version (tfversion) may skip, e.g.
# provider functions under Terraform 1.5.
set -uo pipefail
cli=$1
passed=0 failed=0 skipped=0
skips=()
while IFS= read -r line; do
  printf '%s\n' "$line"
  case "$line" in
    *"--- PASS: TestAcc"*) passed=$((passed + 1)) ;;
    *"--- FAIL: TestAcc"*) failed=$((failed + 1)) ;;
    *"--- SKIP: TestAcc"*) skipped=$((skipped + 1)); skips+=("${line#*SKIP: }") ;;
  esac
done
printf 'acceptance under %s: %d passed, %d failed, %d skipped\n' "$cli" "$passed" "$failed" "$skipped"
for s in "${skips[@]}"; do printf '  skipped under %s: %s\n' "$cli" "$s"; done
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
