import { cpus, tmpdir } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchEtags, loadFixtures } from './fixtures.js';
import { prepareDatabase } from './generate.js';
import { benchOptions } from './options.js';
import { IMPORT_PARSE, measureImportParse } from './import-parse.js';
import { MODERNGOV_SYNC, measureModernGovSync } from './moderngov-sync.js';
import { measure, measureTogether, median, medianOf, OVERRAN_MS, type Measurement } from './load.js';
import { NOTIFY_PASS, notificationPassRound, NOTIFY_PROBE, passDay, passRows, WEBHOOK_POSTS, webhookRound, webhookRows, type PassRound, type WebhookRound } from './notify-webhooks.js';
import { build, createAdminKey, hasBuild, sampleMemory, serverEntry, startBareServer, startServer, startSinks, stop, untilIdle, type Running } from './processes.js';
import { allCommitteeReport, scenarios, type Scenario } from './scenarios.js';
import { sqliteFloor } from './sqlite-floor.js';
import { measureSpreadsheets, SPREADSHEETS } from './spreadsheets.js';
import { meets, render, targetOf, type Row } from './table.js';
import { LOCAL_POSTGRES } from '../test-pg.mjs';
import { copyToPostgres, dropAbandonedCopies, type BenchPostgres } from './to-postgres.js';

// Generates (or reuses) the database, starts the real server on it and a bare Fastify route
// beside it, drives both with autocannon, times the same queries on raw better-sqlite3, and
// prints one table. Progress goes to stderr, the table to stdout.

const parsed = benchOptions(process.argv.slice(2));
if ('exitCode' in parsed) {
  (parsed.exitCode === 0 ? process.stdout : process.stderr).write(parsed.message);
  process.exit(parsed.exitCode);
}
const { values, actions, duration, warmup, runs, only } = parsed;
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
// Interrupted, the bench runs what must be undone (the PostgreSQL copy's drop) and exits; the
// servers it started are killed on exit (processes.ts), as they are when it throws.
const onInterrupt: (() => Promise<void>)[] = [];
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => void Promise.allSettled(onInterrupt.map((undo) => undo())).finally(() => process.exit(code)));
}

// --no-build still measures an existing build; without one, the TypeScript through tsx.
const compiled = values['no-build'] ? hasBuild() : build();
log(compiled ? 'measuring dist/server/server.js' : 'measuring src/server.ts through tsx (no build)');
const runDir = join(tmpdir(), `scrutiny-bench-run-${process.pid}`);
const db = prepareDatabase(actions, runDir);
log(db.generatedMs === null ? `using the cached ${actions.toLocaleString('en-GB')}-action database` : `generated ${actions.toLocaleString('en-GB')} actions in ${(db.generatedMs / 1000).toFixed(1)} s`);
const key = createAdminKey(db.path, compiled);
const fixtures = loadFixtures(db.path, db.anchor);
const entry = serverEntry(compiled);
const nodeFlags = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];

// Webhook receivers and an SMTP sink for issue 14's scenarios, in a process of their own.
const sinks = await startSinks();
// Start-up: a fresh process each time, spawn to the first 200 from /readyz.
const startups: number[] = [];
let server: Running | undefined;
for (let i = 0; i < runs; i++) {
  if (server) await stop(server);
  server = await startServer(entry, db.path, nodeFlags, { SMTP_URL: sinks.smtpUrl, PUBLIC_BASE_URL: 'https://scrutiny.example.gov.uk' });
  startups.push(server.readyMs);
}
const app = server!;
const bare = await startBareServer();
const memory = sampleMemory(app.child.pid!);
const etags = await fetchEtags(app.url, key, fixtures.patchIds);
log(`ready in ${startups.map((ms) => ms.toFixed(0)).join(', ')} ms; ${etags.size} ETags fetched for PATCH`);

const chosen = scenarios(fixtures, key, etags).filter((s) => s.server === 'bare' || !only || only.test(s.name));
// The cached read's working set is read once before it is measured, on each engine, so that the
// scenario measures what it says (ids that all fit the cache): a round is ~6 s, and at a few
// thousand reads a second the first rounds were misses, the more so the slower the server.
const CACHED_READ = 'GET /v1/actions/{id}';
const warmReads = (url: string) => (chosen.some((s) => s.name === CACHED_READ) ? fetchEtags(url, key, fixtures.readIds) : undefined);
await warmReads(app.url);

// --engine postgres: the same rows in PostgreSQL, a second server on them, the HTTP scenarios
// measured there too (in the same rounds, right after SQLite's), shown beside SQLite's.
let onPostgres: { app: Running; copy: BenchPostgres; chosen: Map<string, Scenario> } | undefined;
if (values.engine === 'postgres') {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? LOCAL_POSTGRES;
  for (const name of await dropAbandonedCopies(serverUrl)) log(`dropped ${name}, left by a bench that did not finish`);
  log(`copying the database into PostgreSQL (${new URL(serverUrl).host})`);
  const copy = await copyToPostgres(db.path, serverUrl);
  log(`copied in ${(copy.copiedMs / 1000).toFixed(1)} s`);
  // Interrupted from here on, the copy is dropped before the process ends (a crash or kill -9
  // leaves it to the next run's sweep above).
  onInterrupt.push(() => copy.drop());
  const pgApp = await startServer(entry, db.path, nodeFlags, { DATABASE_URL: copy.url });
  const pgEtags = await fetchEtags(pgApp.url, key, fixtures.patchIds);
  await warmReads(pgApp.url);
  const pgScenarios = scenarios(fixtures, key, pgEtags).filter((s) => s.server !== 'bare' && chosen.some((c) => c.name === s.name));
  onPostgres = { app: pgApp, copy, chosen: new Map(pgScenarios.map((s) => [s.name, s])) };
}
const PG = 'PostgreSQL: ';
const { report, probe } = allCommitteeReport(fixtures, key);
const idleProbe: Scenario = { ...probe, name: 'GET /healthz alone (idle reference)', target: undefined };
const results = new Map<string, Measurement[]>();
const record = (name: string, m: Measurement) => {
  results.set(name, [...(results.get(name) ?? []), m]);
  // Each round's figure as well as the medians: a cold first round shows here.
  const rss = memory.peakSinceLast();
  log(`  ${name}: ${Math.round(m.rps).toLocaleString('en-GB')} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms${m.failures ? `, ${m.failures} failed` : ''}${rss ? `; app server peak ${rss.toFixed(0)} MB` : ''}`);
  if (m.overranMs >= OVERRAN_MS) log(`  ${name}: the server went on ${(m.overranMs / 1000).toFixed(1)} s after the window with ${m.cutOff} unanswered request(s); waited for it before going on`);
};
const urlOf = (s: Scenario) => (s.server === 'bare' ? bare.url : app.url);
// A request left running when a window closes is waited for, so that it is not counted against the next scenario (load.ts).
const settleOf = (server: Running) => () => untilIdle(server.url, server.child.pid!, log);
const postScenario = scenarios(fixtures, key, etags).find((s) => s.name === 'POST /v1/actions')!;
const webhookRounds: WebhookRound[] = [];
const passRounds: PassRound[] = [];

// Rounds interleave the scenarios, so the baseline and each scenario see the same machine.
for (let round = 1; round <= runs; round++) {
  for (const s of chosen) {
    log(`round ${round}/${runs}: ${s.name}`);
    record(s.name, await measure(urlOf(s), s, Math.max(duration, s.minDuration ?? 0), warmup, s.server === 'app' ? settleOf(app) : undefined));
    const twin = onPostgres?.chosen.get(s.name);
    if (onPostgres && twin) {
      log(`round ${round}/${runs}: ${PG}${s.name}`);
      record(`${PG}${s.name}`, await measure(onPostgres.app.url, twin, Math.max(duration, twin.minDuration ?? 0), warmup, settleOf(onPostgres.app)));
    }
  }
  if (!only || only.test(report.name)) {
    log(`round ${round}/${runs}: ${report.name}, with ${probe.name.trim()}`);
    const [r, p] = await measureTogether(app.url, report, probe, duration, warmup, settleOf(app));
    record(report.name, r);
    record(probe.name, p);
    record(idleProbe.name, await measure(app.url, idleProbe, duration, 0, settleOf(app)));
  }
  if (!only || only.test(WEBHOOK_POSTS)) {
    log(`round ${round}/${runs}: ${WEBHOOK_POSTS}, and with none`);
    const w = await webhookRound(app.url, key, postScenario, sinks, db.path, duration, warmup);
    webhookRounds.push(w);
    record(`${WEBHOOK_POSTS} (none)`, w.none);
    record(WEBHOOK_POSTS, w.three);
  }
  if (!only || only.test(NOTIFY_PASS)) {
    log(`round ${round}/${runs}: ${NOTIFY_PASS}, as of ${passDay(db.anchor, round)}, with ${NOTIFY_PROBE.trim()}`);
    const p = await notificationPassRound(app.url, key, passDay(db.anchor, round));
    passRounds.push(p);
    log(`  the pass took ${(p.ms / 1000).toFixed(2)} s for ${p.emails} emails`);
    record(NOTIFY_PROBE, p.probe);
  }
}
// Last, so that its worker's memory and processor do not colour the scenarios above.
const importRows = !only || only.test(IMPORT_PARSE) ? await measureImportParse(app.url, key, runs, log) : [];
// After the rest too: the import adds its 10,000 actions to the database the scenarios read.
const sheetRows = !only || only.test(SPREADSHEETS) ? await measureSpreadsheets(app.url, key, fixtures, runs, memory, log) : [];
const syncRows = !only || only.test(MODERNGOV_SYNC) ? await measureModernGovSync(log, runs) : [];
const rss = memory.stop();
await Promise.all([stop(app), stop(bare), stop(sinks), ...(onPostgres ? [stop(onPostgres.app)] : [])]);
await onPostgres?.copy.drop();

log('raw better-sqlite3 floor');
const floor = only ? [] : sqliteFloor(db.path, fixtures, Math.min(duration, 2) * 1000, runs);
rmSync(runDir, { recursive: true, force: true });

const bareName = chosen.find((s) => s.server === 'bare')!.name;
const bareRps = medianOf(results.get(bareName)!).rps;
const rows: Row[] = [];
for (const s of [...chosen, report, probe, idleProbe]) {
  const measured = results.get(s.name);
  if (!measured) continue;
  const m = medianOf(measured);
  const ratio = m.rps / bareRps;
  const bad = Object.entries(m.statuses).filter(([code]) => !code.startsWith('2'));
  rows.push({
    scenario: `${s.name} (c=${s.connections})`,
    rps: m.rps, p50: m.p50, p99: m.p99, ratio,
    target: targetOf(s.target), met: meets(s.target, m.rps, m.p99, ratio),
    note: [
      s.minDuration !== undefined && s.minDuration > duration ? `${s.minDuration} s rounds` : '',
      m.failures > 0 ? `${m.failures} failed responses (${bad.map(([c, n]) => `${c}×${n}`).join(', ') || 'socket errors'})` : '',
      m.overranMs >= OVERRAN_MS ? `${m.cutOff} request(s) unanswered when the windows closed (not in p50/p99); the server went on with them for up to ${(m.overranMs / 1000).toFixed(1)} s, and the next scenario waited` : '',
    ].filter(Boolean).join('; ') || undefined,
  });
}
for (const [name, s] of onPostgres?.chosen ?? []) {
  const measured = results.get(`${PG}${name}`);
  const onSqlite = results.get(name);
  if (!measured || !onSqlite) continue;
  const m = medianOf(measured);
  const sqliteRps = medianOf(onSqlite).rps;
  // Issue 18's targets: reads within 2× of SQLite's figure; writes ≥ 1,000/s with p99 ≤ 50 ms:
  // as fast as they are answered, ≥ 1,000/s; offered at 1,000/s, kept up with (97%, as the
  // SQLite scenarios at 2,000/s) with p99 ≤ 50 ms. Offered at SQLite's 2,000/s: no target.
  const write = /^(POST|PATCH) /.test(name);
  const paced = s.rate !== undefined;
  const untargeted = write && paced && s.rate! > 1000;
  const target = untargeted ? '' : !write ? '≥ 50% of SQLite' : paced ? `≥ ${Math.round(s.rate! * 0.97)}/s, p99 ≤ 50 ms` : '≥ 1000/s';
  // A failed response is counted in the rate (autocannon's), so a write with any is not met.
  const met = untargeted ? undefined : !write ? m.rps >= sqliteRps / 2 : m.failures === 0 && (paced ? m.rps >= s.rate! * 0.97 && m.p99 <= 50 : m.rps >= 1000);
  rows.push({
    scenario: `${PG}${name} (c=${s.connections})`, rps: m.rps, p50: m.p50, p99: m.p99, ratio: m.rps / bareRps, target, met,
    note: `${Math.round((m.rps / sqliteRps) * 100)}% of SQLite's ${Math.round(sqliteRps).toLocaleString('en-GB')} req/s${m.failures > 0 ? `; ${m.failures} failed responses` : ''}${m.overranMs >= OVERRAN_MS ? `; the server went on ${(m.overranMs / 1000).toFixed(1)} s after a window` : ''}`,
  });
}
rows.push(...webhookRows(webhookRounds, bareRps, postScenario.connections), ...passRows(passRounds));
rows.push({ scenario: 'start-up to /readyz OK, ms (median, max)', rps: null, p50: median(startups), p99: Math.max(...startups), ratio: null, target: '≤ 1000 ms', met: Math.max(...startups) <= 1000 });
rows.push({ scenario: 'server resident memory, MB (median, peak)', rps: null, p50: median(rss), p99: Math.max(...rss), ratio: null, target: '≤ 250 MB', met: Math.max(...rss) <= 250 });
rows.push(...importRows, ...sheetRows, ...syncRows);
for (const f of floor) rows.push({ scenario: f.name, rps: f.opsPerSecond, p50: f.p50, p99: f.p99, ratio: f.opsPerSecond / bareRps });

const table = render(rows);
process.stdout.write(`\n${actions.toLocaleString('en-GB')} actions, ${duration} s per scenario after ${warmup} s warm-up, median of ${runs} run(s), ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n\n${table}\n`);
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify({ actions, duration, warmup, runs, cpus: cpus().length, node: process.version, at: new Date().toISOString(), generatedMs: db.generatedMs, rows }, null, 2)}\n`);
  log(`wrote ${values.json}`);
}
