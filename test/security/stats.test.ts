import t from 'tap';
import { build } from '../helper.js';
import { callers } from './probe.js';
import { AS_OF, seedBusiness } from './seed.js';

// GET /v1/stats carries no text to leak, only counts: the leak would be a number. Each caller's
// numbers must be those of the actions it may read, computed here from the admin's own list of
// every action with its effective visibility — so exempt and confidential counts never reach a
// public caller.

interface ListedAction { id: number; visibility: string; status: string; overdue: boolean; timesFlagged: number; respondedOn: string | null; dueDate: string | null }

t.test('each caller counts exactly the actions it may read', async (t) => {
  const api = await build(t);
  const seed = await seedBusiness(api);
  const listed = await api.request({ method: 'GET', url: `/v1/actions?committeeId=${seed.committeeId}&asOf=${AS_OF}&limit=100` });
  const every = listed.json().data as ListedAction[];
  t.ok(every.some((a) => a.visibility !== 'public'), 'the seed has hidden actions');

  const totals: Record<string, number> = {};
  for (const caller of callers) {
    const visible = every.filter((a) => (caller.sees as readonly string[]).includes(a.visibility));
    const res = await api.request({ method: 'GET', url: `/v1/stats?committeeId=${seed.committeeId}&asOf=${AS_OF}`, as: caller.key(api) });
    t.equal(res.statusCode, 200, `${caller.name}: 200`);
    const [stats] = res.json().committees;
    const responded = visible.filter((a) => a.respondedOn !== null);
    const flagged = (n: number) => visible.filter((a) => (n === 3 ? a.timesFlagged >= 3 : a.timesFlagged === n)).length;
    t.match(stats, {
      raised: visible.length,
      open: visible.filter((a) => a.status === 'open' || a.status === 'in_progress').length,
      overdue: visible.filter((a) => a.overdue).length,
      respondedOnTime: responded.filter((a) => a.dueDate === null || a.respondedOn! <= a.dueDate).length,
      respondedLate: responded.filter((a) => a.dueDate !== null && a.respondedOn! > a.dueDate).length,
      timesFlagged: { none: flagged(0), once: flagged(1), twice: flagged(2), threeOrMore: flagged(3) },
    }, `${caller.name}: the numbers of the actions it may read`);
    const owned = (stats.owners as { raised: number }[]).reduce((sum, o) => sum + o.raised, 0);
    t.equal(owned, visible.length, `${caller.name}: the owners' rows add up to the same`);
    const csv = await api.request({ method: 'GET', url: `/v1/stats?committeeId=${seed.committeeId}&asOf=${AS_OF}&format=csv`, as: caller.key(api) });
    t.match(csv.body.split('\n')[1], new RegExp(`,committee,,,,,${AS_OF},${visible.length},`), `${caller.name}: CSV counts the same`);
    totals[caller.name] = stats.raised;
  }
  t.ok(totals.anonymous! < totals.exempt! && totals.exempt! < totals.confidential!, `each level adds actions: ${JSON.stringify(totals)}`);
});
