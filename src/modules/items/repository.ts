import type { Db } from '../../db/client.js';
export function createItemRepository(_db: Db, _dep: unknown) { return {}; }
