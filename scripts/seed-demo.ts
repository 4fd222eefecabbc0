import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { first } from '../src/db/program.js';
import { committees } from '../src/db/tables.js';
import { scriptActor } from '../src/domain/actor.js';
import { DEFAULT_TIME_ZONE } from '../src/domain/clock.js';
import { parseMinutes } from '../src/import/index.js';
import { execute, isEntryPoint, openAnyServices, processIo, type CommandIo } from './cli.js';

// Fills a database with a demo council: committees, their coming meetings, and minutes written
// for this project (scripts/demo/) imported through the same code as POST /v1/imports/minutes,
// then the overdue scan. Running it again adds nothing.

/**
 * The manifest's meetings, then more at the same interval (in the committee's local time) until
 * one is a quarter ahead of today: the demo keeps a coming meeting, so the scan has something to
 * flag actions for, whenever it is run.
 */
function meetingsToSchedule(given: string[], today: DateTime): string[] {
  const all = [...given];
  const zone = DEFAULT_TIME_ZONE;
  const last = () => DateTime.fromISO(all[all.length - 1]!, { zone });
  const horizon = today.plus({ months: 3 });
  const step = all.length > 1 ? { weeks: Math.max(4, Math.round(last().diff(DateTime.fromISO(all[all.length - 2]!, { zone }), 'weeks').weeks)) } : { weeks: 8 };
  while (all.length > 0 && last() < horizon) all.push(last().plus(step).toUTC().toISO({ suppressMilliseconds: true })!);
  return all;
}

interface Manifest {
  authority: string;
  committees: { name: string; kind: 'scrutiny' | 'policy_and_performance_board'; contactName: string; contactEmail: string; minutes: string; meetings: string[] }[];
}

/** The command (it takes no arguments): returns its exit code. */
export function main(io: CommandIo): Promise<number> {
  return execute('seed:demo', 'npm run seed:demo', io, () => seed(io));
}

async function seed(io: CommandIo) {
  const dir = new URL('./demo/', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as Manifest;
  const actor = scriptActor('seed-demo');
  const { engine, services } = await openAnyServices(io.env);
  try {
    const summary = [];
    for (const entry of manifest.committees) {
      const existing = await engine.run(first(engine.db.select().from(committees).where(eq(committees.name, entry.name))));
      const committee =
        existing ??
        (await services.committees.create(actor, {
          name: entry.name,
          kind: entry.kind,
          authority: manifest.authority,
          contactName: entry.contactName,
          contactEmail: entry.contactEmail,
        }));
      if (!existing) {
        for (const startsAt of meetingsToSchedule(entry.meetings, DateTime.now())) await services.meetings.create(actor, committee.id, { startsAt });
      }
      const draft = parseMinutes(readFileSync(new URL(entry.minutes, dir), 'utf8'));
      const committed = await services.imports.commit(actor, draft, { committeeId: committee.id });
      summary.push({ committee: committee.name, committeeId: committee.id, ...committed });
    }
    const { report, flagsRecorded } = await services.scans.scan(actor);
    io.stdout.write(`${JSON.stringify({ imported: summary, scan: { asOf: report.asOf, flagsRecorded } }, null, 2)}\n`);
  } finally {
    await engine.close();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(processIo());
