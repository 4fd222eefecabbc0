import type { Db } from '../../db/client.js';
export function createPersonRepository(_db: Db) { return {}; }
