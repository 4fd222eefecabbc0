import { dateInWords, dayOf, escapeHtml as h, instantInWords, layout } from './html.js';
import type { ResponsePageData } from './page-data.js';

// The /respond pages. Each field has a label, each form a heading; errors follow the GOV.UK
// error summary pattern (a summary that takes focus, linking to each field, and the message
// beside the field it is about), so a screen reader hears what went wrong and where.

export type Intent = 'update' | 'response';

export interface FormState {
  intent: Intent;
  values: { text: string; rag: string };
  /** Field id → message. */
  errors: Record<string, string>;
}

const RAG_LABELS = { red: 'Red – off track', amber: 'Amber – at risk', green: 'Green – on track' } as const;
const STATUS_WORDS: Record<string, string> = { open: 'Open', in_progress: 'In progress', responded: 'Responded' };

export function fieldId(intent: Intent, field: 'text' | 'rag'): string {
  return `${intent}-${field}`;
}

function errorSummary(errors: Record<string, string>): string {
  const items = Object.entries(errors).map(([id, message]) => `<li><a href="#${h(id)}">${h(message)}</a></li>`);
  if (items.length === 0) return '';
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>${items.join('')}</ul>
</div>`;
}

function textArea(id: string, label: string, hint: string, value: string, error: string | undefined): string {
  const described = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `<div class="form-group${error ? ' has-error' : ''}">
<label for="${id}">${h(label)}</label>
<p class="hint" id="${id}-hint">${h(hint)}</p>
${error ? `<p class="error-message" id="${id}-error"><span class="visually-hidden">Error:</span> ${h(error)}</p>` : ''}
<textarea id="${id}" name="text" rows="6" aria-describedby="${described}"${error ? ' aria-invalid="true"' : ''}>${h(value)}</textarea>
</div>`;
}

function ragChoice(value: string, error: string | undefined): string {
  const options: [string, string][] = [['', 'No change'], ...Object.entries(RAG_LABELS)];
  const id = fieldId('update', 'rag');
  const radios = options.map(([v, label], i) => {
    const radioId = i === 0 ? id : `${id}-${v}`;
    return `<div class="radio"><input type="radio" id="${radioId}" name="rag" value="${v}"${value === v ? ' checked' : ''}><label for="${radioId}">${h(label)}</label></div>`;
  });
  return `<fieldset class="form-group${error ? ' has-error' : ''}"${error ? ` aria-describedby="${id}-error"` : ''}>
<legend>RAG status (optional)</legend>
${error ? `<p class="error-message" id="${id}-error"><span class="visually-hidden">Error:</span> ${h(error)}</p>` : ''}
${radios.join('\n')}
</fieldset>`;
}

function hidden(intent: Intent, form: { nonce: string; check: string }): string {
  return `<input type="hidden" name="intent" value="${intent}">
<input type="hidden" name="nonce" value="${h(form.nonce)}">
<input type="hidden" name="check" value="${h(form.check)}">`;
}

function dueInWords(d: ResponsePageData): string {
  if (!d.dueBy) return 'No due date is set';
  if (d.dueMeetingStartsAt) {
    return `${dateInWords(d.dueBy)}, for the agenda of the meeting on ${instantInWords(d.dueMeetingStartsAt, d.timeZone)}`;
  }
  return d.dueQuarter ? `${dateInWords(d.dueBy)} (${d.dueQuarter})` : dateInWords(d.dueBy);
}

export function actionPage(d: ResponsePageData, form: { nonce: string; check: string }, state?: FormState): string {
  const errors = state?.errors ?? {};
  const valuesFor = (intent: Intent) => (state?.intent === intent ? state.values : { text: '', rag: '' });
  const facts: [string, string][] = [
    ['Status', h(STATUS_WORDS[d.status] ?? d.status) + (d.rag ? ` (RAG: ${h(d.rag)})` : '')],
    ['Raised at', h(d.committeeName) + (d.raisedAt ? `, meeting on ${h(instantInWords(d.raisedAt, d.timeZone))}` : '')],
    ['Due by', h(dueInWords(d))],
  ];
  if (d.response) facts.push(['Response given', `<span class="detail">${h(d.response)}</span>`]);
  const updates = d.updates.length === 0
    ? '<p>No updates yet.</p>'
    : `<ol class="updates">${d.updates.map((u) => `<li><strong>${h(dayOf(u.createdAt, d.timeZone))}</strong>${u.rag ? ` (RAG: ${h(u.rag)})` : ''}<br><span class="detail">${h(u.text)}</span></li>`).join('')}</ol>`;
  const update = valuesFor('update');
  const response = valuesFor('response');
  const main = `${errorSummary(errors)}
${d.reference ? `<p class="caption">${h(d.reference)}</p>` : ''}
<h1>${h(d.title)}</h1>
<p>For ${h(d.personName)}. Use this page to tell the committee how this action is going, or to give your response.</p>
${d.detail ? `<p class="detail">${h(d.detail)}</p>` : ''}
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<h2>Updates so far</h2>
${updates}
<h2 id="add-update">Add a progress update</h2>
<form method="post" novalidate aria-labelledby="add-update">
${hidden('update', form)}
${textArea(fieldId('update', 'text'), 'Your update', 'What has happened since the meeting, and what happens next.', update.text, errors[fieldId('update', 'text')])}
${ragChoice(update.rag, errors[fieldId('update', 'rag')])}
<button type="submit">Add update</button>
</form>
<h2 id="give-response">Give your response</h2>
<form method="post" novalidate aria-labelledby="give-response">
${hidden('response', form)}
${textArea(fieldId('response', 'text'), 'Your response', 'Your answer to the committee. Sending it marks the action as responded.', response.text, errors[fieldId('response', 'text')])}
<button type="submit">Send response</button>
</form>`;
  return layout(Object.keys(errors).length > 0 ? `Error: ${d.title}` : d.title, main);
}

export function confirmationPage(intent: Intent, d: ResponsePageData, backTo: string): string {
  const heading = intent === 'update' ? 'Update recorded' : 'Response sent';
  const main = `<div class="panel"><h1>${heading}</h1></div>
<p>Thank you, ${h(d.personName)}. ${intent === 'update' ? 'Your update has been added to the action' : 'Your response has been recorded and the action is marked as responded'}: “${h(d.title)}”.</p>
<p>${h(d.committeeName)} will see it.</p>
<p><a href="${h(backTo)}">Back to the action</a></p>`;
  return layout(heading, main);
}

/** One page for every link that does not work, whatever the reason: it says nothing about any action. */
export function notFoundPage(): string {
  return layout('Page not found', `<h1>Page not found</h1>
<p>This link is not valid or has expired.</p>
<p>If you still need to answer, ask the scrutiny or democratic services officer who sent it for a new link.</p>`);
}

export function formExpiredPage(backTo: string): string {
  return layout('The form could not be sent', `<h1>The form could not be sent</h1>
<p>For your security, this form can only be sent from the page it came from, within a day of opening it. Nothing has been saved.</p>
<p><a href="${h(backTo)}">Open the action again</a> and send the form once more.</p>`);
}

export function tooManyRequestsPage(): string {
  return layout('Too many requests', '<h1>Too many requests</h1>\n<p>Please wait a minute and try again.</p>');
}
