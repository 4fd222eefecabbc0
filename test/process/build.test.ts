import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import t from 'tap';
import { emptyDatabase, onPostgres } from '../pg.js';
import { getJson, processEnv, root, runCommand, seedAdminKey, seedPgAdminKey, startServer, tempDir } from './helper.js';

// The Dockerfile cannot be built on these machines, so every command in it is run here outside
// Docker (issue 2, "Running it"): `npm run build` from a clean tree, then the run stage — only
// what the Dockerfile copies into it — started with its CMD on a fresh database, and probed
// with its HEALTHCHECK. Everything is read from the Dockerfile so the two cannot drift apart.
// In the suite's PostgreSQL run the run stage starts on an empty PostgreSQL database (DATABASE_URL).

const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

/** The run stage's `COPY --from=build /app/<from> ./<to>` lines. */
const copies = [...runStage.matchAll(/^COPY --from=build ((?:\/app\/\S+\s+)+)(\S+)$/gm)].flatMap((m) => {
  const sources = m[1]!.trim().split(/\s+/).map((s) => s.replace(/^\/app\//, ''));
  const target = m[2]!.replace(/^\.\/?/, '');
  return sources.map((from) => ({ from, to: target === '' ? from : target }));
});
const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runStage)?.[1] ?? 'null') as string[] | null;
const healthcheck = /^\s*CMD node -e "(.*)"$/m.exec(runStage.slice(runStage.indexOf('HEALTHCHECK')))?.[1];

/**
 * `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')` in compiled ESM, at the start
 * of a line or, in the whitespace-minified bundle, after the statement before.
 */
const importSpecifier = /(?:^|;)\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|;)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

t.test('the Dockerfile names what the test runs', async (t) => {
  t.ok(copies.some((c) => c.from === 'dist'), 'the run stage copies dist/');
  t.ok(copies.some((c) => c.from === 'node_modules'), 'the run stage copies node_modules/');
  t.same(cmd?.slice(0, 1), ['node'], 'CMD runs node');
  // The V8 memory flags are chosen once (docs/performance.md, Memory): npm start (which the benchmark
  // reads its flags from) and the image run the server the same way.
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  t.same(cmd, start.split(/\s+/), 'CMD is exactly `npm start`');
  t.ok(healthcheck, 'HEALTHCHECK runs a node one-liner');
  t.match(dockerfile, /RUN npm run build && npm prune --omit=dev/, 'the build stage builds, then drops devDependencies');
});

t.test('a fresh clone has every file the build copies: nothing under src/ or migrations/ is git-ignored', async (t) => {
  // `COPY src ./src` in a CI or Docker build works from a clone, where ignored files do not exist.
  try {
    execFileSync('git', ['rev-parse', '--git-dir'], { cwd: root, stdio: 'ignore' });
  } catch {
    t.plan(0, 'not a git checkout');
    return;
  }
  const ignored = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', 'src', 'migrations'], { cwd: root, encoding: 'utf8' });
  t.same(ignored.split('\n').filter(Boolean), [], 'no ignored file under src/ or migrations/');
});

t.test('npm run build, then the run stage starts on a fresh database and serves', async (t) => {
  const build = await runCommand('npm', ['run', 'build'], processEnv(':unused:'), { timeoutMs: 300_000 });
  t.equal(build.code, 0, `npm run build succeeds: ${build.stdout.slice(-2000)} ${build.stderr.slice(-2000)}`);
  t.ok(existsSync(join(root, cmd?.at(-1) ?? 'dist/server/server.js')), 'the entry point CMD names was built');
  t.ok(existsSync(join(root, 'dist', 'src', 'domain', 'data', 'bank-holidays-england-and-wales.json')), 'the bank-holiday data is in dist/');

  // `npm prune --omit=dev` leaves only dependencies: everything dist/ imports — the compiled
  // sources and the server's bundle, which leaves out only what cannot be bundled — must be one.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const builtins = new Set(builtinModules);
  const needed = new Set<string>();
  const bundled = new Set<string>();
  for (const file of [...jsFiles(join(root, 'dist', 'src')), ...jsFiles(join(root, 'dist', 'server'))]) {
    // Comment lines left out: a bundled library's JSDoc can mention `import('name')` of a type.
    const code = readFileSync(file, 'utf8').replace(/^\s*(?:\*|\/\/).*$/gm, '');
    for (const m of code.matchAll(importSpecifier)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      if (/^[./]/.test(spec) || spec.startsWith('node:') || builtins.has(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      needed.add(name);
      if (file.endsWith(join('dist', 'server', 'server.js'))) bundled.add(name);
    }
  }
  // The two packages the bundle leaves out (build:server's --external), found in its one long line.
  t.same([...bundled].sort(), ['@fastify/swagger-ui', 'better-sqlite3'], 'the bundle\'s own imports are read');
  t.same([...needed].filter((name) => !(name in pkg.dependencies)), [], 'every package the server imports is a production dependency');

  // V8 keeps a script's source in memory one byte a character only if no character in it is above
  // U+00FF; one dash in one regular expression doubled the server's 4 MB of source in its heap
  // (eslint-rules/latin1-regex.js, docs/performance.md).
  for (const file of jsFiles(join(root, 'dist', 'server'))) {
    const wide = [...readFileSync(file, 'utf8')].filter((c) => c.codePointAt(0)! > 0xff);
    t.same([...new Set(wide)], [], `${relative(root, file)} is Latin-1 throughout`);
  }

  // The run stage: only what the Dockerfile copies, in a directory of its own.
  const app = tempDir(t, 'scrutiny-run-stage-');
  for (const { from, to } of copies) {
    if (from === 'node_modules') symlinkSync(join(root, 'node_modules'), join(app, to), 'dir');
    else cpSync(join(root, from), join(app, to), { recursive: true });
  }
  const databasePath = join(tempDir(t), 'volume', 'data', 'scrutiny.sqlite');
  // On PostgreSQL: a database with nothing in it, not even the migrations, as a new deployment's.
  const pgUrl = onPostgres() ? (await emptyDatabase(t)).url : undefined;
  const env = processEnv(databasePath, { NODE_ENV: 'production', ...(pgUrl ? { DATABASE_URL: pgUrl } : {}) });
  const server = await startServer(t, env, { args: cmd!.slice(1), cwd: app });

  const ready = await getJson(`${server.url}/readyz`);
  t.same([ready.status, ready.body], [200, { status: 'ready' }], '/readyz: migrations applied on the fresh database');
  const health = await getJson(`${server.url}/healthz`);
  t.same([health.status, health.body], [200, { status: 'ok' }], '/healthz');
  const docs = await fetch(`${server.url}/docs`);
  t.equal(docs.status, 200, '/docs serves Swagger UI');
  t.match(await docs.text(), /swagger/i);
  const openapi = await getJson(`${server.url}/openapi.json`);
  t.equal(openapi.status, 200, '/openapi.json');
  const christmas = await getJson(`${server.url}/v1/holidays/2024-12-25`);
  t.match([christmas.status, christmas.body], [200, { source: 'bank_holiday' }], 'the shipped bank-holiday data loads');
  // Every committee's report is streamed from a connection of its own (jobs/report-stream.ts).
  const report = await getJson(`${server.url}/v1/reports/overdue?asOf=2024-08-23`);
  t.same([report.status, report.body], [200, { asOf: '2024-08-23', meetings: [] }], 'the whole report streams from the build');

  // A long minutes text is parsed on a worker thread, bundled as an entry point of its own.
  t.ok(existsSync(join(app, 'dist', 'server', 'minutes-parse-worker.js')), 'the minutes parser worker was built');
  const key = pgUrl ? await seedPgAdminKey(pgUrl, 'build-import') : seedAdminKey(databasePath, 'build-import');
  const minutes = `Overview and Scrutiny Committee - Monday, 15th July 2024 6.30 pm\n\n1. Performance report\n\n${'Members asked for a report on the numbers.\n'.repeat(2000)}`;
  const imported = await fetch(`${server.url}/v1/imports/minutes`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' }, body: minutes,
  });
  const draft = ((await imported.json()) as { draft: { items: unknown[]; actions: unknown[]; warnings: string[] } }).draft;
  t.equal(imported.status, 200, `a ${minutes.length}-character import is answered`);
  t.match(draft, { items: [{ number: '1', title: 'Performance report' }] }, 'with its draft, read off the event loop');
  t.equal(draft.actions.length, 100);
  t.ok(draft.warnings.some((w) => /candidate actions/.test(w)), 'capped, and saying so');

  const { port } = new URL(server.url);
  const probe = await runCommand(process.execPath, ['-e', healthcheck!], { ...env, PORT: port });
  t.equal(probe.code, 0, 'the HEALTHCHECK command passes against the running server');

  server.child.kill('SIGTERM');
  t.same(await server.exited, { code: 0, signal: null }, 'SIGTERM stops it cleanly');
  const down = await runCommand(process.execPath, ['-e', healthcheck!], { ...env, PORT: port });
  t.equal(down.code, 1, 'and the HEALTHCHECK fails once it is down');

  if (pgUrl) return; // PostgreSQL checks its own pages; no integrity_check to run from outside
  const db = new Database(databasePath, { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'the database the built server created is sound');
});
