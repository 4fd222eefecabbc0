import { RAG_RATINGS, type RagRating } from '../../domain/vocabulary.js';
import { fieldId, type FormState, type Intent } from './pages.js';

// What the response form sends (application/x-www-form-urlencoded), checked as the API checks
// the same fields: an update's text 1–10,000 characters (CreateActionUpdateSchema), a response's
// 1–20,000 (UpdateActionSchema), a RAG from the one list.

const MAX_TEXT: Record<Intent, number> = { update: 10_000, response: 20_000 };

export type FormBody = Record<string, string>;

export type Submission =
  | { ok: true; intent: 'update'; text: string; rag: RagRating | null }
  | { ok: true; intent: 'response'; text: string }
  | { ok: false; state: FormState };

export function intentOf(body: FormBody): Intent | undefined {
  return body.intent === 'update' || body.intent === 'response' ? body.intent : undefined;
}

export function readSubmission(intent: Intent, body: FormBody): Submission {
  const text = (body.text ?? '').replace(/\r\n/g, '\n');
  const rag = intent === 'update' ? (body.rag ?? '') : '';
  const errors: Record<string, string> = {};
  const noun = intent === 'update' ? 'update' : 'response';
  if (text.trim() === '') errors[fieldId(intent, 'text')] = `Enter your ${noun}`;
  else if (text.length > MAX_TEXT[intent]) {
    errors[fieldId(intent, 'text')] = `Your ${noun} must be ${MAX_TEXT[intent].toLocaleString('en-GB')} characters or fewer`;
  }
  if (rag !== '' && !(RAG_RATINGS as readonly string[]).includes(rag)) {
    errors[fieldId('update', 'rag')] = 'Choose red, amber, green or no change';
  }
  if (Object.keys(errors).length > 0) return { ok: false, state: { intent, values: { text, rag }, errors } };
  return intent === 'update'
    ? { ok: true, intent, text, rag: rag === '' ? null : (rag as RagRating) }
    : { ok: true, intent, text };
}
