/**
 * The server run from its sources (`npm run dev`, `node --import tsx server/main.ts`). `npm start`
 * runs the same start from a bundle (scripts/serve.mjs).
 */
import { start } from './start.js';

start();
