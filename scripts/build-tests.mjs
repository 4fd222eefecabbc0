// Compiles src/, scripts/ and test/ once, file by file, into .test-build/ (the same tree, each .ts
// beside its .js), so that `npm test` runs plain JavaScript. Under tsx every test process sends
// each of the ~1,500 modules it loads (typebox alone is ~700) through tsx's loader hooks, about
// 2 s of extra processor time per process; the suite starts some 250 of them on 2 processors.
// Not a bundle: each module stays a file at the same relative path, so import.meta.url, the
// workers beside their modules, and the walk up to migrations/ find what they find in src/.
// Every other file (fixtures, JSON, the .ts sources themselves, for a child started with tsx) is
// a symbolic link to the original.
import { build } from 'esbuild';
import { performance } from 'node:perf_hooks';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEST_BUILD = '.test-build';
/** Where the PostgreSQL twins of test/on-postgres.txt's files are written, under TEST_BUILD. */
export const ON_POSTGRES = 'on-postgres';
const root = fileURLToPath(new URL('..', import.meta.url));

function filesUnder(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)));
}

/** Builds the tree afresh; returns the number of modules compiled. */
export async function buildTests() {
  const out = join(root, TEST_BUILD);
  rmSync(out, { recursive: true, force: true });
  // The drizzle-kit configurations at the root are imported by the migration tests, and the
  // bench reads package.json beside scripts/ (the flags of `npm start`).
  const files = [...['src', 'scripts', 'test'].flatMap(filesUnder), 'drizzle.config.ts', 'drizzle.pg.config.ts', 'package.json'];
  const typescript = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  await build({
    absWorkingDir: root,
    entryPoints: typescript,
    outdir: out,
    outbase: '.',
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node 20.10+ reads `with { type: 'json' }`; esbuild's node20 table predates that and would drop it.
    supported: { 'import-attributes': true },
    // A failing test's stack points into the TypeScript (tap runs the files with
    // --enable-source-maps).
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'warning',
  });
  for (const file of files) {
    const link = join(out, file);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, file), link);
  }
  writePostgresTwins();
  return typescript.length;
}

/** The test files a list like test/on-postgres.txt names: a path a line, `#` starting a comment. */
export function listedFiles(path) {
  return readFileSync(join(root, path), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** Where test/x.test.ts is compiled to, from the project's root. */
export const compiledTestPath = (file) => `${TEST_BUILD}/${file.replace(/\.ts$/, '.js')}`;
/** Where its PostgreSQL twin is written, from the project's root. */
export const postgresTwinPath = (file) => `${TEST_BUILD}/${ON_POSTGRES}/${file.replace(/\.ts$/, '.js')}`;

// A PostgreSQL twin of each file test/on-postgres.txt names: it sets SCRUTINY_TEST_ENGINE=postgres
// (what test/pg.ts's onPostgres reads; a child process the test starts inherits it) and then loads
// the compiled test. scripts/run-tests.mjs runs the twins beside the SQLite files, so that the two
// engines share the processors rather than each ending in a tail of its own slowest files.
function writePostgresTwins() {
  for (const file of listedFiles('test/on-postgres.txt')) {
    const twin = join(root, postgresTwinPath(file));
    mkdirSync(dirname(twin), { recursive: true });
    writeFileSync(twin, `// ${file} on PostgreSQL (scripts/build-tests.mjs).\nprocess.env.SCRUTINY_TEST_ENGINE = 'postgres';\nawait import(${JSON.stringify(`./${relative(dirname(twin), join(root, compiledTestPath(file)))}`)});\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const n = await buildTests();
  process.stderr.write(`compiled ${n} modules into ${TEST_BUILD}/ in ${Math.round(performance.now() - started)} ms\n`);
}
