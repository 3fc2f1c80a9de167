#!/usr/bin/env node
// Loads the TypeScript CLI through tsx (the CLI also loads users' TypeScript schemas).
import 'tsx';

await import('../src/bin.ts');
