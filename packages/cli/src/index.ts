export { type Output, run } from './main.ts';
