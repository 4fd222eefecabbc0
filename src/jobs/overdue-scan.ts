import type { Db } from '../db/client.js';
export function createScanService(_db: Db, _deps: unknown) { return {}; }
