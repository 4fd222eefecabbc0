import { hostname } from 'node:os';
import { lt } from 'drizzle-orm';
import { first, run, tx, type Program } from '../db/program.js';
import { jobRuns } from '../db/tables.js';
import type { Db } from '../db/sqlite/client.js';

// Scheduled jobs run once per schedule across every server process on one database (issue 18):
// the scheduler claims the job's slot — its name and the minute it fell due — before it runs it.
// The primary key (job, slot) lets exactly one insert through; a process that finds the row there
// skips the run and says so. The same on SQLite (several processes on one file) and PostgreSQL.

/** Claims older than this are removed as new ones are made. */
const KEEP_DAYS = 30;

/** Who this process is, in the job_runs table and the logs. */
export const runnerName = `${hostname()}:${process.pid}`;

export function createJobRuns(db: Db, { runner = runnerName }: { runner?: string } = {}) {
  return {
    /** True for the one process that claims (job, slot) first; false for every other. */
    *claim(job: string, slot: Date): Program<boolean> {
      return yield* tx(function* () {
        const claimed = yield* first(
          db.insert(jobRuns).values({ job, slot: slot.toISOString(), runner }).onConflictDoNothing().returning({ job: jobRuns.job }),
        );
        if (claimed) {
          const before = new Date(slot.getTime() - KEEP_DAYS * 86_400_000).toISOString();
          yield* run(db.delete(jobRuns).where(lt(jobRuns.slot, before)));
        }
        return claimed !== undefined;
      });
    },
  };
}
