#!/usr/bin/env bash
# Passes `go test -v` output through and ends it with a count of the acceptance tests that ran
# under one CLI and local server, so the log shows they were executed. Fails when any failed or
# none passed. Skips are listed with their reason: only tests that declare a minimum CLI version
# (tfversion, e.g. provider functions under Terraform 1.5) or need a behaviour only one local
# server has (skipUnlessServer) may skip.
set -uo pipefail
cli=$1
passed=0 failed=0 skipped=0
skips=()
prev=""
while IFS= read -r line; do
  printf '%s\n' "$line"
  case "$line" in
    *"--- PASS: TestAcc"*) passed=$((passed + 1)) ;;
    *"--- FAIL: TestAcc"*) failed=$((failed + 1)) ;;
    *"--- SKIP: TestAcc"*)
      skipped=$((skipped + 1))
      skip="${line#*SKIP: }"
      # t.Skip logs its reason ("    file_test.go:12: reason") just before the SKIP line.
      if [[ $prev =~ ^\ {4}[^\ ]+\.go:[0-9]+:\ (.*)$ ]]; then
        skip+=": ${BASH_REMATCH[1]}"
      fi
      skips+=("$skip")
      ;;
  esac
  prev=$line
done
printf 'acceptance under %s: %d passed, %d failed, %d skipped\n' "$cli" "$passed" "$failed" "$skipped"
for s in "${skips[@]}"; do printf '  skipped under %s: %s\n' "$cli" "$s"; done
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
