// Registers bench/ts-loader.mjs so Node 20 can run the TypeScript benchmark without a build step:
//   node --import ./bench/register.mjs bench/budget.ts
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
