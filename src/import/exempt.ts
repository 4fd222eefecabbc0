import type { DraftItem } from './types.js';

// Exempt business (Local Government Act 1972, s100A(4) and Schedule 12A): the minutes either
// mark the item itself ("Contract Award (Exempt)", "…involves exempt information as defined
// in paragraph 3…") or an earlier item resolves that "the press and public be excluded from
// the meeting for the following item(s)". An exempt item must never be published, so when in
// doubt the draft marks it exempt and the officer can loosen it.

const EXCLUSION =
  /\b(?:press and (?:the )?public|public and (?:the )?press|members of the (?:press and )?public|the public) (?:be |were |are |was |shall be |would be )?excluded\b|\bexclusion of (?:the )?(?:press and (?:the )?public|public and (?:the )?press|public)\b/i;
const FOLLOWING = /\b(?:following|next|remaining|subsequent) (?:agenda )?(items?|business|matters?|reports?)\b/i;
const EXEMPT_TITLE = /\b(?:exempt|part (?:2|ii)|not for publication)\b/i;
const NAMED_ITEMS = /\b(?:during|for) (?:the )?(?:consideration of )?(?:agenda )?items? ((?:(?:no\.? )?\d{1,3}[a-z]?(?:,? (?:and |to )?|-)?){1,8})/i;
const EXEMPT_TEXT = /\bexempt information\b|\bschedule 12a\b|\bnot for publication\b/i;
const PARAGRAPH = /\bparagraphs? (\d)\b/i;

function paragraphOf(text: string): number | undefined {
  const p = Number(PARAGRAPH.exec(text)?.[1]);
  return p >= 1 && p <= 7 ? p : undefined;
}

function markExempt(item: DraftItem, paragraph: number | undefined): void {
  item.visibility = 'exempt';
  const own = paragraphOf(item.minutes) ?? paragraph;
  if (own !== undefined) item.exemptParagraph = own;
}

export function applyExemptVisibility(items: DraftItem[]): void {
  items.forEach((item, i) => {
    const text = `${item.title}\n${item.minutes}`;
    const excludes = EXCLUSION.test(text);
    const following = FOLLOWING.exec(item.minutes);
    const named = excludes ? NAMED_ITEMS.exec(item.minutes) : null;
    if (named) {
      const numbers = new Set((named[1] ?? '').match(/\d{1,3}[a-z]?/g) ?? []);
      for (const target of items) if (target.number !== null && numbers.has(target.number)) markExempt(target, paragraphOf(item.minutes));
      return;
    }
    if (excludes && following) {
      const plural = /s$|business/i.test(following[1] ?? '');
      const targets = plural ? items.slice(i + 1) : items.slice(i + 1, i + 2);
      for (const target of targets) markExempt(target, paragraphOf(item.minutes));
      if (EXEMPT_TITLE.test(item.title) && !EXCLUSION.test(item.title)) markExempt(item, paragraphOf(item.minutes));
      return;
    }
    if ((EXEMPT_TITLE.test(item.title) && !EXCLUSION.test(item.title)) || EXEMPT_TEXT.test(item.minutes) || excludes) {
      markExempt(item, paragraphOf(item.minutes));
    }
  });
}
