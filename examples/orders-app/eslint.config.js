// `pnpm lint` runs this (after Biome): the drizzle-shard rules on the example app, typed.
import { configs as drizzleShard } from 'eslint-plugin-drizzle-shard';

export default [{ ignores: ['src/generated/**'] }, drizzleShard.recommended];
