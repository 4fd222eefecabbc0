import t, { type Test } from 'tap';
import { scriptActor } from '../../src/domain/actor.js';
import type { CouncilLimit } from '../../src/domain/council-limit.js';
import type { Scope } from '../../src/modules/api-keys/repository.js';
import { build, type TestApp } from '../helper.js';
import { checkProbe, fetchAll, fillPath, headerNames, isProblem, maskedProblem, MISSING_ID, openApiGets, type Caller, type Operation } from './probe.js';
import { levels, seedBusiness, type Council, type Level, type Seed } from './seed.js';
import { getRoutes, undocumentedGets, type Probe } from './visibility-table.js';

// The leak matrix's authority dimension (DESIGN.md "One deployment for many councils"): two
// councils' business on one service, and keys limited to one council probing every GET
// operation of the OpenAPI document. With its own council's records, a limited key is the
// visibility matrix's caller of the same scopes (exempt business hidden as ever); with the other
// council's, nothing of it appears in any response, and a direct read of its record is the same
// 404 as a read of one that never existed. People and holidays are shared by every council.

const HALTON: Council = { authority: 'Halton Borough Council', tag: 'HALTON-h5w' };
const WARRINGTON: Council = { authority: 'Warrington Borough Council', tag: 'WARRINGTON-w8k' };

/** Paths whose `{id}` is a record of one council (a committee's, a stored import draft, or a limited webhook). */
const OF_ONE_COUNCIL = /^\/v1\/(committees|meetings|items|resolutions|declarations|actions|imports|webhooks)\/\{id\}/;
/** Reads whose `?committeeId=` of another council answers as a missing committee (404), not an empty answer. */
const COMMITTEE_BY_QUERY = new Set(['/v1/reports/overdue', '/v1/stats']);

interface LimitedCaller {
  name: string;
  scopes: Scope[];
  /** What the caller's scopes let it read, as in probe.ts. */
  sees: Level[];
  expanded: string[];
  limit: (own: Council, seed: Seed) => CouncilLimit;
}

const byAuthority = (own: Council): CouncilLimit => ({ authority: own.authority });
const limitedCallers: LimitedCaller[] = [
  {
    name: 'admin', scopes: ['admin'], sees: [...levels], limit: byAuthority,
    expanded: ['read', 'read:exempt', 'read:confidential', 'write', 'admin'],
  },
  {
    name: 'exempt clerk', scopes: ['write', 'read:exempt'], sees: ['public', 'exempt'], expanded: ['read', 'read:exempt', 'write'],
    limit: (_own, seed) => ({ committeeIds: [seed.committeeId] }),
  },
  { name: 'reader', scopes: ['read'], sees: ['public'], expanded: ['read'], limit: byAuthority },
];

async function probeOtherCouncil(t: Test, api: TestApp, caller: Caller, other: Seed, otherTag: string, template: string, op: Operation, probe: Probe) {
  const as = caller.key(api);
  const url = `${fillPath(template, probe.params)}${probe.query ? `?${probe.query}` : ''}`;
  const where = `${caller.name} GET ${url} (the other council's)`;
  const { first, text, pages } = await fetchAll(api, url, as, probe.headers);
  t.notOk(text.includes(otherTag), `${where}: nothing of the other council`);
  t.ok(first.statusCode < 500, `${where}: answered (${first.statusCode})`);
  const scope = op['x-required-scope'];
  if (scope && !caller.scopes.includes(scope)) {
    t.equal(first.statusCode, 403, `${where}: refused without ${scope}`);
    return;
  }
  if (OF_ONE_COUNCIL.test(template)) {
    const missingUrl = `${fillPath(template, { ...probe.params, id: MISSING_ID })}${probe.query ? `?${probe.query}` : ''}`;
    const missing = await api.request({ method: 'GET', url: missingUrl, as, headers: probe.headers });
    t.equal(first.statusCode, 404, `${where}: 404`);
    t.ok(isProblem(first), `${where}: 404 is problem+json`);
    t.same(headerNames(first), headerNames(missing), `${where}: same headers as missing`);
    t.same(maskedProblem(first, probe.params!.id!), maskedProblem(missing, MISSING_ID), `${where}: same problem as missing`);
    return;
  }
  if (COMMITTEE_BY_QUERY.has(template) && new URLSearchParams(probe.query ?? '').get('committeeId') === String(other.committeeId)) {
    const missingUrl = `${fillPath(template, probe.params)}?${probe.query!.replace(`committeeId=${other.committeeId}`, `committeeId=${MISSING_ID}`)}`;
    const missing = await api.request({ method: 'GET', url: missingUrl, as, headers: probe.headers });
    t.equal(first.statusCode, 404, `${where}: another council's committee is a missing one (404)`);
    // The instance names the URL, which differs by the id in its query: the rest must not.
    const masked = (res: typeof first, id: number) => ({ ...(maskedProblem(res, id) as object), instance: undefined });
    t.same(masked(first, other.committeeId), masked(missing, MISSING_ID), `${where}: same problem as missing`);
    return;
  }
  if (probe.actionIds) {
    const theirs = new Set(Object.values(other.actions).map((a) => a.id));
    const listed = pages.flatMap((page) => probe.actionIds!.pick(page));
    t.same(listed.filter((id) => theirs.has(id)), [], `${where}: none of the other council's actions`);
  }
}

t.test('keys limited to a council see nothing of another council through any GET', async (t) => {
  const api = await build(t);
  const halton = await seedBusiness(api, HALTON);
  const warrington = await seedBusiness(api, WARRINGTON);
  const documented = await openApiGets(api);
  const councils: [Council, Seed, Council, Seed][] = [
    [HALTON, halton, WARRINGTON, warrington],
    [WARRINGTON, warrington, HALTON, halton],
  ];

  for (const [own, ownSeed, other, otherSeed] of councils) {
    for (const spec of limitedCallers) {
      // Both directions for the admin; one is enough for the narrower keys.
      if (own === WARRINGTON && spec.name !== 'admin') continue;
      const key = (await api.app.services.apiKeys.create(scriptActor('test'), `${own.tag} ${spec.name}`, spec.scopes, spec.limit(own, ownSeed))).key;
      const caller: Caller = { name: `${own.authority} ${spec.name}`, key: () => key, scopes: spec.expanded, sees: spec.sees };
      t.test(caller.name, async (t) => {
        for (const [template, op] of documented) {
          const fill = getRoutes[template];
          if (!fill) continue;
          for (const probe of fill(ownSeed)) await checkProbe(t, api, ownSeed, caller, template, op, probe, [other.tag]);
          for (const probe of fill(otherSeed)) await probeOtherCouncil(t, api, caller, otherSeed, other.tag, template, op, probe);
        }
        for (const url of undocumentedGets) {
          const res = await api.request({ method: 'GET', url, as: key });
          t.notOk(res.body.includes(other.tag), `${caller.name} GET ${url}: nothing of the other council`);
        }
      });
    }
  }

  t.test('an unlimited key still sees both councils', async (t) => {
    for (const url of ['/v1/actions?limit=200', '/v1/committees', `/v1/reports/overdue?asOf=2024-08-23&format=csv`, '/v1/webhooks']) {
      const res = await api.request({ method: 'GET', url });
      t.ok(res.body.includes(HALTON.tag) && res.body.includes(WARRINGTON.tag), `GET ${url}: both councils`);
    }
  });
});
