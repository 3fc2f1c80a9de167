#!/usr/bin/env bash
# Installs the system packages the tests and the demo use: PostgreSQL server binaries
# (initdb, pg_ctl, pg_basebackup) and PgBouncer. Idempotent; needs root (or sudo) for apt.
# Arguments (postgresql, pgbouncer) limit it to those; the demo's preflight passes what it lacks.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

wanted() { [ $# -eq 0 ] || [[ " $* " == *" $want "* ]]; }
need=()
want=postgresql
if wanted "$@"; then
  { ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 && id -u postgres >/dev/null 2>&1; } || [ -n "${PG_BIN:-}" ] || need+=(postgresql)
fi
want=pgbouncer
if wanted "$@"; then
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
fi
if [ "${WITH_DOCKER:-0}" = 1 ]; then
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "setup-machine: everything present"
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "setup-machine: installing ${need[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
# The Debian postgresql package may start a default cluster; the kit never uses it.
if [[ " ${need[*]} " == *" postgresql "* ]]; then $SUDO pg_ctlcluster --help >/dev/null 2>&1 && $SUDO service postgresql stop >/dev/null 2>&1 || true; fi
echo "setup-machine: done"
