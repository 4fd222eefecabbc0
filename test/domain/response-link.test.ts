import t from 'tap';
import {
  formToken, formTokenValid, linkExpiresAt, linkIdOf, linkToken, linkWorks, withoutLinkSignature,
} from '../../src/domain/response-link.js';

const SECRET = 'a-test-secret-that-is-long-enough-to-use';
const NOW = new Date('2024-07-20T09:00:00Z');

t.test('a token names its link only when signed with the secret', async (t) => {
  const token = linkToken(SECRET, 42);
  t.equal(linkIdOf(SECRET, token), 42);
  t.equal(linkIdOf('another-secret-that-is-long-enough-too', token), undefined);
  t.equal(linkIdOf(SECRET, token.replace(/^42/, '43')), undefined);
  t.equal(linkIdOf(SECRET, `${token}x`), undefined);
  t.equal(linkIdOf(SECRET, '42'), undefined);
  t.equal(linkIdOf(SECRET, `042.${token.split('.')[1]}`), undefined);
  // The last character's spare bits: another spelling of the same bytes is not the token.
  const last = token.at(-1)!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const sameBytes = alphabet[alphabet.indexOf(last) ^ 1]!;
  const signature = token.split('.')[1]!;
  t.same(Buffer.from(signature.slice(0, -1) + sameBytes, 'base64url'), Buffer.from(signature, 'base64url'));
  t.equal(linkIdOf(SECRET, token.slice(0, -1) + sameBytes), undefined);
});

t.test('a link works until it expires, is revoked, its action is finished or changes owner', async (t) => {
  const link = { expiresAt: linkExpiresAt(NOW, 30).toISOString(), revokedAt: null, personId: 7 };
  t.equal(link.expiresAt, '2024-08-19T09:00:00.000Z');
  const action = { status: 'open' as const, ownerId: 7 };
  t.ok(linkWorks(link, action, NOW));
  t.ok(linkWorks(link, { ...action, status: 'responded' }, NOW));
  t.notOk(linkWorks(link, action, new Date(link.expiresAt)));
  t.notOk(linkWorks({ ...link, revokedAt: NOW.toISOString() }, action, NOW));
  t.notOk(linkWorks(link, { ...action, status: 'closed' }, NOW));
  t.notOk(linkWorks(link, { ...action, status: 'withdrawn' }, NOW));
  t.notOk(linkWorks(link, { ...action, ownerId: 8 }, NOW));
  t.notOk(linkWorks(link, { ...action, ownerId: null }, NOW));
});

t.test('a form token is good for its link, for a day', async (t) => {
  const { nonce, check } = formToken(SECRET, 1, NOW);
  t.ok(formTokenValid(SECRET, 1, nonce, check, NOW));
  t.notOk(formTokenValid(SECRET, 2, nonce, check, NOW));
  t.notOk(formTokenValid(SECRET, 1, nonce, check, new Date(NOW.getTime() + 25 * 3600_000)));
  t.notOk(formTokenValid(SECRET, 1, `${NOW.getTime() + 1}.x`, check, NOW));
  t.notOk(formTokenValid(SECRET, 1, nonce, '', NOW));
});

t.test('logs never hold a working token', async (t) => {
  t.equal(withoutLinkSignature(`/respond/${linkToken(SECRET, 5)}?sent=update`), '/respond/5.…?sent=update');
  t.equal(withoutLinkSignature('/v1/actions/5'), '/v1/actions/5');
});

t.test('configuration: PUBLIC_BASE_URL, LINK_SECRET and RESPONSE_LINK_DAYS', async (t) => {
  const { loadConfig, ConfigError } = await import('../../src/config.js');
  t.match(loadConfig({}), { publicBaseUrl: undefined, linkSecret: undefined, responseLinkDays: 30 });
  t.match(loadConfig({ PUBLIC_BASE_URL: 'https://tracker.example.gov.uk/scrutiny/', RESPONSE_LINK_DAYS: '14', LINK_SECRET: SECRET }), {
    publicBaseUrl: 'https://tracker.example.gov.uk/scrutiny', responseLinkDays: 14, linkSecret: SECRET,
  });
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'tracker.example.gov.uk' }), ConfigError);
  t.throws(() => loadConfig({ RESPONSE_LINK_DAYS: '0' }), /RESPONSE_LINK_DAYS/);
  t.throws(() => loadConfig({ LINK_SECRET: 'short' }), /LINK_SECRET/);
});
