import { writeFileSync } from 'node:fs';
import { isLocalDate } from '../src/domain/local-date.js';
import { scriptActor } from '../src/domain/actor.js';
import { DOCUMENT_FORMATS, renderDocument, type DocumentFormat } from '../src/documents/formats.js';
import { prettyJson } from '../src/jobs/report-formats.js';
import { args, execute, isEntryPoint, openAnyServices, processIo, UsageError, withFlags, type CommandIo } from './cli.js';

// The nightly cron job: run the overdue scan (recording flags unless --dry-run) and print the
// report, on either engine. Safe beside a running server: the unique flag index, and on SQLite
// WAL and the busy timeout, on PostgreSQL the scan's advisory lock.

const usage = 'npm run overdue-report -- [--as-of YYYY-MM-DD] [--committee ID] [--format json|csv|md|html|docx] [--out FILE] [--dry-run] [--include exempt|confidential]';

// The printed report goes into agenda packs, so by default it shows public business only: the
// same as an anonymous GET /v1/reports/overdue. --include widens it for a Part 2 pack. The scan
// itself always flags every overdue action, whatever is printed.
const widen = { exempt: ['public', 'exempt'], confidential: ['public', 'exempt', 'confidential'] } as const;

/** The command, given its arguments (after the script's name): returns its exit code. */
export function main(argv: string[], io: CommandIo): Promise<number> {
  return execute('overdue-report', usage, io, () => printReport(argv, io));
}

async function printReport(argv: string[], io: CommandIo) {
  const { values } = args({
    'as-of': { type: 'string' },
    committee: { type: 'string' },
    format: { type: 'string', default: 'json' },
    out: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    include: { type: 'string' },
  }, false, argv);
  // Without --as-of, each committee is judged as of today where it sits (jobs/overdue-report.ts).
  const asOf = values['as-of'];
  if (asOf !== undefined && !isLocalDate(asOf)) throw new UsageError(`--as-of must be a date, YYYY-MM-DD: ${asOf}`);
  if (!(DOCUMENT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be one of ${DOCUMENT_FORMATS.join(', ')}: ${values.format}`);
  }
  const include = values.include;
  if (include !== undefined && include !== 'exempt' && include !== 'confidential') {
    throw new UsageError(`--include must be exempt or confidential: ${include}`);
  }
  let committeeId: number | undefined;
  if (values.committee !== undefined) {
    if (!/^[1-9][0-9]*$/.test(values.committee)) throw new UsageError(`--committee must be a committee id: ${values.committee}`);
    committeeId = Number(values.committee);
  }
  const { engine, services } = await openAnyServices(io.env);
  try {
    if (committeeId !== undefined) await services.committees.get(committeeId);
    const actor = { ...scriptActor('overdue-report'), visibilities: include ? widen[include] : (['public'] as const) };
    const flags = { asOf: '--as-of', committeeId: '--committee' };
    const report = values['dry-run']
      ? await withFlags(flags, () => services.scans.report(actor, { asOf, committeeId }))
      : (await withFlags(flags, () => services.scans.scan(actor, { asOf, committeeId }))).report;
    // JSON straight from the report; every other format is the agenda-pack document's.
    const format = values.format as DocumentFormat;
    const output = format === 'json'
      ? prettyJson(report)
      : (await renderDocument(await services.documents.overdueReport(actor, report), format)).body;
    if (values.out) writeFileSync(values.out, output);
    else io.stdout.write(output);
  } finally {
    await engine.close();
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main(process.argv.slice(2), processIo());
