#!/usr/bin/env bash
# Builds the PostgreSQL 15 + PgBouncer image used by the test kit's docker backend,
# offline from Debian packages (no registry pull): debootstrap a minimal Debian into a
# folder, then `docker import` it. The Debian mirror is read from apt's own config.
set -euo pipefail

IMAGE="${DRIZZLE_SHARD_PG_IMAGE:-drizzle-shard/postgres:15}"
SUITE="${DEBIAN_SUITE:-bookworm}"

if docker image inspect "$IMAGE" >/dev/null 2>&1 && [ "${REBUILD:-0}" != 1 ]; then
  echo "image $IMAGE already present (REBUILD=1 to rebuild)"
  exit 0
fi

mirror_from_apt() {
  local uri=""
  if [ -d /etc/apt/sources.list.d ]; then
    # deb822 files: the first "URIs:" of a stanza whose Suites include the plain suite.
    uri=$(awk -v suite="$SUITE" '
      /^URIs:/ { u=$2 } /^Suites:/ { for (i=2;i<=NF;i++) if ($i==suite) { print u; exit } }
    ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk -v suite="$SUITE" '$1=="deb" && $3==suite { print $2; exit }' /etc/apt/sources.list)
  fi
  if [ -z "$uri" ]; then
    echo "error: no Debian mirror for '$SUITE' found in /etc/apt/sources.list(.d); set DEBIAN_MIRROR" >&2
    exit 1
  fi
  echo "$uri"
}

MIRROR="${DEBIAN_MIRROR:-$(mirror_from_apt)}"
ROOT=$(mktemp -d /tmp/drizzle-shard-rootfs.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

echo "debootstrap $SUITE (minbase + postgresql-15 + pgbouncer) into $ROOT"
debootstrap --variant=minbase --include=postgresql-15,pgbouncer,util-linux "$SUITE" "$ROOT" "$MIRROR" >/tmp/drizzle-shard-debootstrap.log 2>&1 || {
  echo "debootstrap failed; last lines of /tmp/drizzle-shard-debootstrap.log:" >&2
  tail -n 20 /tmp/drizzle-shard-debootstrap.log >&2
  exit 1
}
# The Debian package creates a default cluster we never use.
rm -rf "$ROOT/var/lib/postgresql/15/main" "$ROOT/etc/postgresql/15/main"
echo "importing as $IMAGE"
tar -C "$ROOT" -c . | docker import -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/sbin:/usr/bin:/bin' - "$IMAGE" >/dev/null
echo "built $IMAGE"
