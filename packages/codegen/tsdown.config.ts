import { libraryConfig } from '../../tsdown.base.ts';

export default libraryConfig({ entry: { index: 'src/index.ts', analysis: 'src/analysis.ts' } });
