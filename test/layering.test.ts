import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import t from 'tap';

// Dependencies point one way (STYLE.md, issue 13): routes → repositories/jobs → domain; the
// database below the repositories; HTTP only at the edge. Checked on the code's runtime imports,
// followed through every file they reach: a repository that reaches Fastify through a schema
// file breaks the rule as surely as one that imports it.

const ROOT = resolve(import.meta.dirname, '..');

interface Import { target: string; local: boolean }

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  // `import type` and `export type` vanish at run time; everything else is a real arrow.
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^'";]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.')) {
      found.push({ target: spec, local: false });
      continue;
    }
    const path = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (existsSync(path)) found.push({ target: path, local: true });
  }
  return found;
}

/** The first chain of runtime imports from `start` to a target `forbidden` names, if any. */
export function forbiddenPath(start: string, forbidden: (target: string) => boolean): string | undefined {
  const visited = new Set<string>();
  const stack: string[][] = [[start]];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const file = path[path.length - 1]!;
    if (visited.has(file)) continue;
    visited.add(file);
    for (const { target, local } of importsOf(file)) {
      if (forbidden(target)) return [...path, target].map((p) => (local || p !== target ? relative(ROOT, p) : p)).join(' → ');
      if (local) stack.push([...path, target]);
    }
  }
  return undefined;
}

function filesUnder(dir: string, keep: (name: string) => boolean = () => true): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && keep(name))
    .map((name) => join(ROOT, dir, name));
}

const inside = (dir: string) => (target: string) => target.startsWith(join(ROOT, dir) + '/');
const http = (target: string) =>
  inside('src/http')(target) || target === 'fastify' || target === 'fastify-plugin' || target.startsWith('@fastify/');
const database = (target: string) =>
  inside('src/db')(target) || target === 'better-sqlite3' || target.startsWith('drizzle-orm') || target === 'pg';

const rules: { what: string; files: string[]; forbidden: (target: string) => boolean }[] = [
  {
    what: 'repositories, read models, jobs, the database layer, the importer and the scripts never reach HTTP',
    files: [
      ...readdirSync(join(ROOT, 'src/modules')).flatMap((module) =>
        ['repository.ts', 'read-model.ts'].map((file) => join(ROOT, 'src/modules', module, file)).filter(existsSync),
      ),
      ...filesUnder('src/jobs'),
      ...filesUnder('src/db'),
      ...filesUnder('src/import'),
      join(ROOT, 'src/services.ts'),
      // openapi.ts prints the document of the whole app: it is the one script that builds it.
      ...filesUnder('scripts', (name) => !name.startsWith('bench') && !name.startsWith('.') && name !== 'openapi.ts'),
    ],
    forbidden: http,
  },
  {
    what: 'the domain reaches neither HTTP nor the database',
    files: filesUnder('src/domain'),
    forbidden: (target) => http(target) || database(target),
  },
  {
    what: 'the database layer reaches no module, job or importer above it',
    files: filesUnder('src/db'),
    forbidden: (target) => inside('src/modules')(target) || inside('src/jobs')(target) || inside('src/import')(target),
  },
];

for (const rule of rules) {
  t.test(rule.what, async (t) => {
    t.ok(rule.files.length > 0, 'there are files to check');
    for (const file of rule.files) {
      t.equal(forbiddenPath(file, rule.forbidden), undefined, relative(ROOT, file));
    }
  });
}

// Each engine's driver and drizzle dialect are imported only in its own folder (src/db/sqlite/,
// src/db/pg/), so that the engine is chosen in one place (src/db/engine.ts). Direct imports are
// what counts here: the rest of the app reaches an engine through src/db/engine.ts, as it should.
const engineOnly: { folder: string; packages: RegExp; notYet: string[] }[] = [
  {
    folder: 'src/db/sqlite',
    packages: /^(better-sqlite3|drizzle-orm\/(better-sqlite3|sqlite-core)(\/.*)?)$/,
    // Queries that still build SQLite aliases themselves; they move behind the dialect as their
    // modules are converted for PostgreSQL (docs/postgres-plan.md, phase 3).
    notYet: [],
  },
  { folder: 'src/db/pg', packages: /^(pg|drizzle-orm\/(node-postgres|pg-core)(\/.*)?)$/, notYet: [] },
];
for (const engine of engineOnly) {
  t.test(`only ${engine.folder}/ imports its engine's driver and dialect`, async (t) => {
    const offenders = filesUnder('src')
      .filter((file) => !inside(engine.folder)(file) && !engine.notYet.includes(relative(ROOT, file)))
      .flatMap((file) => importsOf(file).filter((i) => !i.local && engine.packages.test(i.target)).map((i) => `${relative(ROOT, file)} → ${i.target}`));
    t.same(offenders, [], 'no file outside the folder');
    for (const file of engine.notYet) {
      t.ok(importsOf(join(ROOT, file)).some((i) => engine.packages.test(i.target)), `${file} still needs its exception`);
    }
  });
}

t.test('the check finds an arrow through another file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'layering-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'http'));
  writeFileSync(join(dir, 'repository.ts'), "import type { Only } from './types.js';\nimport { shape } from './schemas.js';\n");
  writeFileSync(join(dir, 'types.ts'), "import { edge } from './http/edge.js';\n");
  writeFileSync(join(dir, 'schemas.ts'), "import { edge } from './http/edge.js';\n");
  writeFileSync(join(dir, 'http/edge.ts'), "import fastify from 'fastify';\n");
  const intoHttp = (target: string) => target.startsWith(join(dir, 'http'));
  t.match(forbiddenPath(join(dir, 'repository.ts'), intoHttp), /schemas\.ts → .*http\/edge\.ts$/, 'through schemas.ts');
  t.equal(forbiddenPath(join(dir, 'types.ts'), (target) => target === 'react'), undefined, 'nothing forbidden reached');
  t.match(forbiddenPath(join(dir, 'schemas.ts'), (target) => target === 'fastify'), /→ fastify$/, 'a package, two steps away');
});
