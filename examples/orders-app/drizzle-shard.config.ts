import { defineConfig } from '@drizzle-shard/codegen';

export default defineConfig({
  schema: './src/schema.ts',
  queries: ['src/**/*.ts'],
  out: './src/generated',
});
