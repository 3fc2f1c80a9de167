import { libraryConfig } from '../../tsdown.base.ts';

export default libraryConfig({
  entry: { index: 'src/index.ts' },
  copy: [{ from: 'src/doctor/doctor-report.schema.json', to: 'dist' }],
});
