#!/usr/bin/env bash
# Packs every published package (each builds itself in `prepack`) into the folder given, as
# `npm publish` would ship it: publishConfig points exports and bin at dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$(realpath -m "${1:?usage: pack-packages.sh DEST_DIR}")
rm -rf "$dest" && mkdir -p "$dest"
for dir in drizzle-shard codegen ops cli testing eslint-plugin-drizzle-shard; do
  (cd "packages/$dir" && pnpm pack --pack-destination "$dest" >/dev/null)
done
ls "$dest"
