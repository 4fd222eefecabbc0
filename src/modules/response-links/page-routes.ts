import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formToken, formTokenValid } from '../../domain/response-link.js';
import { InvalidFieldError, ScrutinyError } from '../../errors.js';
import { PAGE_CSP } from './html.js';
import { intentOf, readSubmission, type FormBody } from './form.js';
import { responsePageData } from './page-data.js';
import type { OpenedLink } from './repository.js';
import { actionPage, confirmationPage, fieldId, formExpiredPage, notFoundPage, tooManyRequestsPage, type Intent } from './pages.js';

// GET/POST /respond/{token}: the page an owner answers an action on, without an API key (the
// token is the credential). Outside /v1 and not in the OpenAPI document: it is HTML for people.
//
// Forgery (CSRF): there is no cookie or other ambient credential to ride on — a forged post
// would need the secret token in its URL. Even so each form carries a nonce and an HMAC of it
// with the link's id (good for this link only, for a day), and a post a browser marks as coming
// from another site (Sec-Fetch-Site, or an Origin that is not ours) is refused. (With
// Referrer-Policy no-referrer browsers send `Origin: null` on a form post, so that one is let
// through to the token check.)

const FORM_BODY_LIMIT = 64 * 1024;
const TOKEN_PARAM = { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } as const;

interface Options {
  publicBaseUrl?: string;
}

function send(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', PAGE_CSP)
    .header('x-robots-tag', 'noindex, nofollow')
    .send(html);
}

function fromElsewhere(request: FastifyRequest, publicOrigin: string | undefined): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return false;
  return origin !== publicOrigin && origin !== `${request.protocol}://${request.host}`;
}

export async function responsePageRoutes(app: FastifyInstance, { publicBaseUrl }: Options) {
  const { responseLinks, db } = app.services;
  const publicOrigin = publicBaseUrl === undefined ? undefined : new URL(publicBaseUrl).origin;
  const now = () => responseLinks.now();
  // The link secret exists from the first start, not from the first link (repository.ts); once
  // made it never changes, so the forms are signed with this one.
  const secret = await responseLinks.linkSecret();
  const pageData = async (opened: OpenedLink) => await app.engine.run(responsePageData(db, opened));

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // Errors on these routes are pages too (a rate limit, an oversized or unreadable form).
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'response page failed');
    if (status === 429) return send(reply, 429, tooManyRequestsPage());
    return send(reply, status >= 500 ? 500 : 404, notFoundPage());
  });

  const hide = { hide: true, params: TOKEN_PARAM };

  app.get<{ Params: { token: string }; Querystring: { sent?: string } }>('/respond/:token', { schema: hide }, async (request, reply) => {
    const opened = await responseLinks.open(request.params.token, now());
    if (!opened) return send(reply, 404, notFoundPage());
    const data = await pageData(opened);
    const sent = request.query.sent;
    if (sent === 'update' || sent === 'response') {
      return send(reply, 200, confirmationPage(sent, data, `/respond/${request.params.token}`));
    }
    return send(reply, 200, actionPage(data, formToken(secret, opened.link.id, now())));
  });

  // A write handler must not wait for anything before it writes (http/database.ts): on SQLite the
  // reads below are done when their programs return, so the awaits before the write are only
  // microtasks, over before the group commits.
  app.post<{ Params: { token: string }; Body: FormBody }>('/respond/:token', { schema: hide }, async (request, reply) => {
    const { token } = request.params;
    const at = now();
    const opened = await responseLinks.open(token, at);
    if (!opened) return send(reply, 404, notFoundPage());
    const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
    if (fromElsewhere(request, publicOrigin) || !formTokenValid(secret, opened.link.id, body.nonce ?? '', body.check ?? '', at)) {
      return send(reply, 403, formExpiredPage(`/respond/${token}`));
    }
    const intent: Intent | undefined = intentOf(body);
    const again = async (state: Parameters<typeof actionPage>[2]) =>
      send(reply, 400, actionPage(await pageData(opened), formToken(secret, opened.link.id, at), state));
    if (!intent) return again({ intent: 'update', values: { text: body.text ?? '', rag: '' }, errors: { [fieldId('update', 'text')]: 'Choose whether to add an update or give your response' } });
    const submission = readSubmission(intent, body);
    if (!submission.ok) return again(submission.state);
    try {
      if (submission.intent === 'update') await responseLinks.addUpdate(opened, { text: submission.text, rag: submission.rag }, request.id);
      else await responseLinks.respond(opened, submission.text, request.id);
    } catch (err) {
      // The API's own rules refused it (a transition, a field): the form again, saying why.
      if (!(err instanceof ScrutinyError) || err.statusCode >= 500) throw err;
      const detail = err instanceof InvalidFieldError ? err.errors.map((e) => e.detail).join('; ') : err.message;
      return again({ intent, values: { text: submission.text, rag: body.rag ?? '' }, errors: { [fieldId(intent, 'text')]: `This could not be saved: ${detail}` } });
    }
    // Post/Redirect/Get: a reload of the confirmation does not send the form again.
    return reply.code(303).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
      .redirect(`/respond/${token}?sent=${intent}`, 303);
  });
}
