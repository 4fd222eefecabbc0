import { createRequire } from 'node:module';
import t from 'tap';

// http/lazy-compilers.ts imports Fastify's schema compilers directly (pinned in package.json)
// to defer their work to each route's first call. They must be the very copies Fastify itself
// uses: after a Fastify upgrade that wants newer ones, npm would install a second copy and this
// app would quietly validate and serialise with the old.

t.test('the schema compilers the app imports are the ones Fastify resolves', async (t) => {
  const ours = createRequire(import.meta.url);
  const fastifys = createRequire(ours.resolve('fastify'));
  for (const name of ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler']) {
    t.equal(ours.resolve(name), fastifys.resolve(name), name);
  }
});
