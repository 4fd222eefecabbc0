import { readFileSync } from 'node:fs';
import t from 'tap';
import { generateOpenApi } from '../../scripts/openapi.js';
import { build } from '../helper.js';
import { onPostgres } from '../pg.js';

t.test('the committed openapi/openapi.json is what the schemas generate', async (t) => {
  const committed = readFileSync('openapi/openapi.json', 'utf8');
  // The script builds its app on an in-memory SQLite database, and a process uses one engine's
  // tables (db/tables.ts): on PostgreSQL the document of the run's own app is compared instead.
  let generated: string;
  if (onPostgres()) {
    const { app } = await build(t);
    await app.ready();
    generated = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } else generated = await generateOpenApi();
  t.equal(generated, committed, 'run `npm run openapi` and commit the result');
});

t.test('every operation has an operationId, tag, summary and documented errors', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'GET', url: '/openapi.json', as: null });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.equal(doc.openapi, '3.1.0');
  const ids = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      t.type(op.operationId, 'string', `${where} operationId`);
      t.notOk(ids.has(op.operationId as string), `${where} operationId unique`);
      ids.add(op.operationId as string);
      t.ok((op.tags as string[])?.length, `${where} tag`);
      t.type(op.summary, 'string', `${where} summary`);
      if (path.startsWith('/v1/')) {
        const statuses = Object.keys(op.responses as object);
        t.ok(statuses.includes('400') && statuses.includes('401'), `${where} documents errors`);
        t.ok(op['x-required-scope'], `${where} declares its scope`);
      }
    }
  }
  t.ok(ids.size > 30);
});

t.test('Swagger UI is served at /docs', async (t) => {
  const api = await build(t);
  const res = await api.request({ method: 'GET', url: '/docs/', as: null });
  t.equal(res.statusCode, 200);
  t.match(res.body, /swagger/i);
});
