// `npx knex …` runs in plain Node, which cannot import TypeScript: knex looks for knexfile.js first,
// and this shim loads the real configuration, knexfile.ts, through tsx.
import { tsImport } from 'tsx/esm/api';

const { default: config } = await tsImport('./knexfile.ts', import.meta.url);
export default config;
