import type { CouncilLimit } from './council-limit.js';
import { visibilities, type Reader } from './visibility.js';

/** Who is acting and what they may see: passed from routes and scripts into repositories and jobs. */
export interface Actor extends Reader {
  /** The API key's name, "anonymous", or "script:<name>" for command-line tools. */
  name: string;
  /** Only admins may make business less restricted (declassify an item). */
  admin?: boolean;
  /** The council the key is limited to (its committees are `committeeIds`); absent: unlimited. */
  limit?: CouncilLimit;
  requestId?: string;
}

/** A command-line tool: run by whoever may run the server, so it sees and may do everything. */
export function scriptActor(script: string): Actor {
  return { name: `script:${script}`, visibilities, admin: true };
}
