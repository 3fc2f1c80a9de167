/** Shard primary URLs in shard order: `--url` flags, else DRIZZLE_SHARD_PRIMARIES (comma-separated). */
export function primaryUrls(flags: readonly string[] | undefined): string[] {
  return flags?.length ? [...flags] : (process.env.DRIZZLE_SHARD_PRIMARIES ?? '').split(',').filter(Boolean);
}
