import { libraryConfig } from '../../tsdown.base.ts';

// The runtime ships ESM and CommonJS, as drizzle-orm does (a CommonJS app can `require` it).
export default libraryConfig({ entry: { index: 'src/index.ts' }, cjs: true });
