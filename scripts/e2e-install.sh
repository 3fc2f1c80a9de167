#!/usr/bin/env bash
# End-to-end check of the published packages, outside the workspace: pack every package, lint
# the tarballs (publint, attw), install them with npm into a fresh project in a temp folder next
# to drizzle-orm, drizzle-kit and postgres from the registry, then against a 2-shard dev cluster:
# a plain JS app, tsc under bundler and node16 resolution with the generated helpers, generate
# in prebuild + --check, drizzle-kit generate + drizzle-shard migrate and indexes apply on both shards,
# start-up figures.
# Any failure exits non-zero. KEEP=1 keeps the temp folder.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/drizzle-shard-e2e.XXXXXX)
pack="$work/pack" app="$work/app" state="$work/dev.json" dev_pid=""
start=$(date +%s)
step() { echo; echo "--- e2e: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "FAIL e2e: $*" >&2; exit 1; }
cleanup() {
  [[ -s "$state" ]] && (cd "$repo" && node_modules/.bin/tsx packages/cli/src/bin.ts dev down --state "$state" >/dev/null 2>&1 || true)
  if [[ -n "$dev_pid" ]] && kill -0 "$dev_pid" 2>/dev/null; then
    kill -TERM "$dev_pid" 2>/dev/null || true
    wait "$dev_pid" 2>/dev/null || true
  fi
  [[ "${KEEP:-}" == 1 ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
case "$app/" in "$repo"/*) fail "the scratch project must be outside the repository" ;; esac

step "pack every package"
bash "$repo/scripts/pack-packages.sh" "$pack" >"$work/pack.log" 2>&1 || { tail -40 "$work/pack.log"; fail "pack"; }
ls "$pack"

step "publint and attw on every tarball"
cd "$repo"
for tarball in "$pack"/*.tgz; do
  pnpm exec publint run "$tarball" --strict
  profile=esm-only
  [[ "$(basename "$tarball")" == drizzle-shard-0* ]] && profile=strict # the runtime ships CJS too
  pnpm exec attw "$tarball" --profile "$profile" --no-emoji --no-color
done

step "a fresh project outside the workspace, installed with npm"
cp -r "$repo/scripts/e2e-install/app" "$app"
sed "s#__PACK__#$pack#g" "$app/package.template.json" >"$app/package.json" && rm "$app/package.template.json"
cd "$app"
npm install --no-audit --no-fund --loglevel=error
for heavy in testcontainers ssh2 cpu-features @drizzle-shard/testing; do
  [[ ! -e "node_modules/$heavy" ]] || fail "$heavy was installed with the CLI"
done
node -e "const m = require('drizzle-shard'); if (typeof m.shardedDrizzle !== 'function') process.exit(1)" ||
  fail "require('drizzle-shard') (CommonJS build)"
echo "ok   no test kit, testcontainers or native ssh modules installed; require('drizzle-shard') works"
if npx drizzle-shard dev up >"$work/dev-without-kit.log" 2>&1; then fail "dev up ran without the kit"; fi
grep -q 'npm install --save-dev @drizzle-shard/testing' "$work/dev-without-kit.log" ||
  { cat "$work/dev-without-kit.log"; fail "dev up without the kit did not say how to install it"; }
echo "ok   drizzle-shard dev up without the kit says how to install it"

step "a 2-shard cluster (the repo's own \`drizzle-shard dev up\`)"
(cd "$repo" && exec node_modules/.bin/tsx packages/cli/src/bin.ts dev up --shards 2 --replicas 1 --state "$state") >"$work/dev.log" 2>&1 &
dev_pid=$!
for _ in $(seq 1 240); do
  [[ -s "$state" ]] && break
  kill -0 "$dev_pid" 2>/dev/null || { cat "$work/dev.log"; fail "dev up exited"; }
  sleep 1
done
[[ -s "$state" ]] || { cat "$work/dev.log"; fail "dev up did not become ready"; }
shards=$(node -e "const s = require('$state').shards; console.log(JSON.stringify(s.map(({ primary, replicas }) => ({ primary, replicas }))))")
mapfile -t primaries < <(node -e "for (const s of require('$state').shards) console.log(s.primary)")
urls=(--url "${primaries[0]}" --url "${primaries[1]}")
echo "ok   shards: ${#primaries[@]}"

step "npm run build: prebuild runs drizzle-shard generate, then tsc --noEmit (bundler, node16)"
npm run build
[[ -f drizzle-shard/helpers.ts ]] || fail "generate wrote no helpers.ts"
grep -q 'export function ordersOf' drizzle-shard/helpers.ts || fail "helpers.ts has no ordersOf"
grep -qi 'user_id.*created_at' drizzle-shard/indexes.sql || fail "indexes.sql lacks (user_id, created_at)"
npx drizzle-shard generate --check
echo "ok   helpers and indexes generated, both type-checks pass (with the @ts-expect-error key), --check passes"

step "drizzle-kit generate, then drizzle-shard migrate on both shards"
npx drizzle-kit generate
ls drizzle/*.sql >/dev/null || fail "drizzle-kit wrote no migration"
npx drizzle-shard migrate "${urls[@]}"
npx drizzle-shard migrate status "${urls[@]}"
for url in "${primaries[@]}"; do
  node --input-type=module -e "
    import postgres from 'postgres';
    const sql = postgres(process.argv[1], { max: 1 });
    const [r] = await sql\`select to_regclass('public.orders') is not null as orders, to_regclass('public.users') is not null as users\`;
    await sql.end();
    if (!r.orders || !r.users) { console.error('tables missing on ' + process.argv[1]); process.exit(1); }" "$url"
done
echo "ok   the migration's tables exist on both shards"

step "drizzle-shard indexes apply on both shards (cli -> ops -> codegen, as installed)"
npx drizzle-shard indexes apply "${urls[@]}"
npx drizzle-shard indexes apply "${urls[@]}" >"$work/indexes-again.log"
grep -q 'already-valid' "$work/indexes-again.log" || { cat "$work/indexes-again.log"; fail "a second indexes apply did not find the indexes valid"; }
echo "ok   the recommended indexes are valid on both shards; a second run finds them so"

step "a plain JavaScript ESM app on Node $(node --version), no tsx"
E2E_SHARDS="$shards" node app.mjs

step "start-up and install size (benchmark figures)"
node "$repo/scripts/e2e-install/startup-bench.mjs"

step "passed"
