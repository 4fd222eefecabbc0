import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

// What issue 14's scenarios send to, in a process of their own so that receiving costs neither
// the server nor the load generator: three webhook receivers answering 200 (a GET answers how
// many POSTs each has had) and an SMTP server that accepts and drops every email. Prints
// `{ "receivers": [url, …], "smtpUrl": "…" }` on one line once listening; stops on SIGTERM.

const receivers: Server[] = [];
for (let i = 0; i < 3; i++) {
  let received = 0;
  receivers.push(createServer((req, res) => {
    if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(String(received));
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(200).end();
    });
  }));
}
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  // No reverse DNS lookup of each client: that would be the sink's time, not the server's.
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, callback) {
    stream.resume();
    stream.on('end', () => callback());
  },
});

await Promise.all([
  ...receivers.map((r) => new Promise<void>((resolve) => r.listen(0, '127.0.0.1', resolve))),
  new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve)),
]);
const port = (s: Server) => (s.address() as AddressInfo).port;
process.stdout.write(`${JSON.stringify({
  receivers: receivers.map((r) => `http://127.0.0.1:${port(r)}/hooks`),
  smtpUrl: `smtp://127.0.0.1:${port(smtp.server as Server)}`,
})}\n`);
process.on('SIGTERM', () => {
  for (const r of receivers) r.close();
  smtp.close(() => process.exit(0));
});
