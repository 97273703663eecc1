#!/usr/bin/env bash
# Peer benchmark: send BatchWriteItem request files (25 puts each, DynamoDB JSON, made by
# ddbload-bench) with the AWS CLI, one `aws dynamodb batch-write-item` per file, in order, and
# send what comes back in UnprocessedItems again until nothing does, as a shell loop would.
# Prints {"retries": N} on stdout.
#
# usage: bench-awscli.sh ENDPOINT DIR   (AWS_CLI: the CLI, default /usr/bin/aws, Debian awscli)
set -euo pipefail
endpoint=$1
dir=$2
aws=${AWS_CLI:-/usr/bin/aws}
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
retries=0
for f in "$dir"/batch-*.json; do
  req=$f
  while :; do
    out=$("$aws" dynamodb batch-write-item --endpoint-url "$endpoint" --request-items "file://$req" \
      --query UnprocessedItems --output json)
    # An empty UnprocessedItems prints nothing (or {}, depending on the CLI version).
    case "$(tr -d '[:space:]' <<<"$out")" in
    "" | "{}") break ;;
    esac
    retries=$((retries + 1))
    req=$dir/unprocessed.json
    printf '%s' "$out" >"$req"
  done
done
echo "{\"retries\": $retries}"
