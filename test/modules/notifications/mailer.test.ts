import { createServer, type Socket } from 'node:net';
import t from 'tap';
import { createMailer } from '../../../src/modules/notifications/mailer.js';

// A server that accepts the connection and never says hello: the mailer gives up after its
// timeout with an error (which the pass records as failed), rather than hanging the pass.

t.test('an SMTP server that goes quiet: the send fails after the timeout', async (t) => {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as { port: number };
  const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Scrutiny Tracker <scrutiny@localhost>', timeoutMs: 300 });
  t.teardown(() => mailer.close());
  const started = Date.now();
  await t.rejects(mailer.send({ to: 'jane@example.gov.uk', subject: 's', text: 't', html: '<p>t</p>' }), /timeout|Greeting never received/i);
  t.ok(Date.now() - started < 10_000, 'gave up promptly');
});

t.test('no SMTP_URL: not configured, and sending is refused as "no SMTP"', async (t) => {
  const mailer = createMailer({ mailFrom: 'x <x@localhost>' });
  t.equal(mailer.configured, false);
  await t.rejects(mailer.send({ to: 'a@example.gov.uk', subject: 's', text: 't', html: 't' }), /no SMTP/);
});
