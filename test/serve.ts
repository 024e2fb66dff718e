/**
 * How the tests start the server: as `npm start` does once the client is built, `node
 * scripts/serve.mjs` (the server's bundle, built again only when a source changed).
 */
import { fileURLToPath } from 'node:url';

export const SERVE = fileURLToPath(new URL('../scripts/serve.mjs', import.meta.url));
