#!/usr/bin/env bash
# Runs the driver's equivalence tests (db.shard(k) and the top-level db against plain drizzle)
# against the lowest and the highest drizzle-orm that the runtime's peer range allows, each in a
# scratch copy of the repository (tracked files) with drizzle-orm pinned by a pnpm override.
# Usage: bash scripts/drizzle-range.sh [version ...]   (default: the range's lowest and highest)
set -euo pipefail
cd "$(dirname "$0")/.."
range=$(node -p "require('./packages/drizzle-shard/package.json').peerDependencies['drizzle-orm']")
if [ $# -eq 0 ]; then
  # Published versions in the range, lowest and highest (semver order).
  mapfile -t bounds < <(pnpm view "drizzle-orm@$range" version --json | node -e '
    const v = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
    const key = (s) => s.split(".").map(Number);
    v.sort((a, b) => { const [x, y] = [key(a), key(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    console.log([...new Set([v[0], v.at(-1)])].join("\n"));')
  set -- "${bounds[@]}"
fi
for version in "$@"; do
  echo "=== drizzle-orm $version (peer range $range)"
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  git ls-files -z | xargs -0 cp --parents -t "$dir"
  (
    cd "$dir"
    node -e '
      const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
      p.pnpm = { ...p.pnpm, overrides: { ...(p.pnpm?.overrides ?? {}), "drizzle-orm": process.argv[1] } };
      fs.writeFileSync("package.json", JSON.stringify(p, null, 2));' "$version"
    pnpm install --no-frozen-lockfile --prefer-offline --reporter=silent
    installed=$(node -p "require('./node_modules/drizzle-orm/package.json').version")
    [ "$installed" = "$version" ] || { echo "installed drizzle-orm $installed, wanted $version"; exit 1; }
    pnpm vitest run packages/drizzle-shard/test/driver/equivalence.test.ts
  )
  rm -rf "$dir"
  trap - EXIT
done
