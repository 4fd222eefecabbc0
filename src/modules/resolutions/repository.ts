import type { Db } from '../../db/client.js';
export function createResolutionRepository(_db: Db, _dep: unknown) { return {}; }
