import { defineConfig } from 'drizzle-kit';

// The app's own drizzle-kit config: `drizzle-shard generate` finds the schema through it.
export default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' });
