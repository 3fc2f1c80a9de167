import { libraryConfig } from '../../tsdown.base.ts';

// `bin` is the `drizzle-shard` command (compiled, no TypeScript loader at start-up).
export default libraryConfig({ entry: { index: 'src/index.ts', bin: 'src/bin.ts' } });
