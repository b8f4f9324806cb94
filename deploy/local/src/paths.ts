/** Where the local stack keeps things: downloads under .cache/, runtime state under .data/ (both ignored). */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const cacheDir = path.join(repoRoot, '.cache');
export const dataDir = path.join(repoRoot, '.data');
export const logsDir = path.join(dataDir, 'logs');
