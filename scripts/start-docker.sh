#!/usr/bin/env bash
# Starts a Docker engine when none answers (CI machines have the client only), then builds
# the kit's PostgreSQL image offline. Host networking only: no bridge, no iptables.
set -euo pipefail
if ! docker info >/dev/null 2>&1; then
  echo "start-docker: starting dockerd"
  nohup dockerd --bridge=none --iptables=false --ip-masq=false >/tmp/drizzle-shard-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "start-docker: dockerd did not come up; see /tmp/drizzle-shard-dockerd.log" >&2; exit 1; }
fi
bash "$(dirname "$0")/../packages/testing/docker/build-image.sh"
