#!/usr/bin/env python3
"""Peer benchmark: load a JSON Lines file with boto3's Table.batch_writer, as its documentation
shows (one writer, 25 items per call, unprocessed items re-queued, botocore's default retries).
Numbers are read as Decimal, as boto3 requires. Prints {"items": N, "seconds": S,
"peak_rss_kb": K} on stdout (K is VmHWM: ru_maxrss would include the parent's peak).

usage: bench-boto3.py ENDPOINT TABLE FILE   (run by ddbload-bench; needs Debian's python3-boto3)
"""
import decimal
import json
import sys
import time

import boto3


def main():
    endpoint, table, path = sys.argv[1:4]
    resource = boto3.resource(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = 0
    start = time.monotonic()
    with resource.Table(table).batch_writer() as writer:
        with open(path, encoding="utf-8") as f:
            for line in f:
                writer.put_item(Item=json.loads(line, parse_float=decimal.Decimal))
                items += 1
    seconds = time.monotonic() - start
    print(json.dumps({"items": items, "seconds": seconds, "peak_rss_kb": peak_rss_kb()}))


def peak_rss_kb():
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
