/** `npm run schema:emit`: rewrites schema.graphql from the code. */
import { writeFile } from 'node:fs/promises';
import { printGatewaySchema } from '../src/schema.js';

const target = new URL('../schema.graphql', import.meta.url);
await writeFile(target, await printGatewaySchema());
console.log(`wrote ${target.pathname}`);
