#!/usr/bin/env bash
# Makes sure Java 17 or later runs DynamoDB Local: when `java` is missing or older, installs
# Debian's openjdk-17-jre-headless with apt-get (through sudo when not root), as the other make
# targets install what they miss. Prints the Java in use on stderr.
set -euo pipefail

log() { printf 'install-java: %s\n' "$*" >&2; }

# java_major prints the feature release of `java` on PATH (17 for 17.0.15), or nothing.
java_major() {
  command -v java >/dev/null 2>&1 || return 0
  java -XshowSettings:properties -version 2>&1 |
    sed -n 's/^[[:space:]]*java\.specification\.version = \([0-9]*\).*/\1/p'
}

major=$(java_major)
if [ -n "$major" ] && [ "$major" -ge 17 ]; then
  log "java $major at $(command -v java)"
  exit 0
fi
log "${major:+java $major is older than 17; }installing openjdk-17-jre-headless with apt-get"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
# --no-upgrade: install what is missing, never upgrade a Java already there.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-upgrade openjdk-17-jre-headless >/dev/null
major=$(java_major)
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
  log "java on PATH is still not 17 or later (${major:-none}): put Java 17's bin folder first on PATH"
  exit 1
fi
log "java $major at $(command -v java)"
