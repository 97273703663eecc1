#!/usr/bin/env bash
# Passes `go test -v` output through and ends it with a count of the acceptance tests that ran
# under one CLI, so the log shows they were executed and not skipped. Fails when none ran or
# any was skipped.
set -uo pipefail
cli=$1
passed=0 failed=0 skipped=0
while IFS= read -r line; do
  printf '%s\n' "$line"
  case "$line" in
    *"--- PASS: TestAcc"*) passed=$((passed + 1)) ;;
    *"--- FAIL: TestAcc"*) failed=$((failed + 1)) ;;
    *"--- SKIP: TestAcc"*) skipped=$((skipped + 1)) ;;
  esac
done
printf 'acceptance under %s: %d passed, %d failed, %d skipped\n' "$cli" "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$passed" -gt 0 ]
