import type { Db } from '../../db/client.js';
export function createActionRepository(_db: Db, _deps: unknown) { return {}; }
