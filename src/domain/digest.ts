import { daysFromTo, toDateTime, type LocalDate } from './local-date.js';
import type { DigestItem } from './notifications.js';

// The digest one recipient gets in one pass, as words (DESIGN.md "Notifications"): what needs
// them, each meeting's action log for the agenda pack, and news of what they asked for or follow.
// Pure: the pass (jobs/notify.ts) decides who gets what and sends it.

export interface Digest {
  subject: string;
  text: string;
  html: string;
}

/**
 * Remembers the last few thousand answers of a function of a string. A first pass over a large
 * database writes the same few hundred dates thousands of times, and formatting one (luxon) is
 * most of the cost of a digest.
 */
function remembered(f: (key: string) => string): (key: string) => string {
  const known = new Map<string, string>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      if (known.size >= 4096) known.clear();
      known.set(key, (value = f(key)));
    }
    return value;
  };
}

/** "Friday 16 January 2026". */
export const inWords: (date: LocalDate) => string = remembered((date) => toDateTime(date).setLocale('en-GB').toFormat('cccc d LLLL yyyy'));

const dueWhen = remembered((both) => {
  const [asOf, dueBy] = both.split('|') as [LocalDate, LocalDate];
  const days = daysFromTo(asOf, dueBy);
  const relative = days === 0 ? 'today' : days === 1 ? 'tomorrow' : days > 0 ? `in ${days} days` : days === -1 ? '1 day ago' : `${-days} days ago`;
  return `${inWords(dueBy)} (${relative})`;
});

function when(dueBy: LocalDate | null, asOf: LocalDate): string {
  return dueBy === null ? 'no date set' : dueWhen(`${asOf}|${dueBy}`);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** Exempt or confidential business named: the subject must say so (Local Government Act 1972 Sch 12A). */
export const notForPublication = (items: readonly DigestItem[]) => items.some((i) => i.visibility !== 'public');

function headline(item: DigestItem): string {
  if (item.kind === 'reminder') return item.role === 'contact' ? 'Due soon, with no owner' : 'Due soon';
  const times = item.timesFlagged && item.timesFlagged > 1 ? ` (flagged ${item.timesFlagged} times)` : '';
  return (item.role === 'contact' ? 'Overdue, with no owner' : 'Overdue') + times;
}

function whatToDo(item: DigestItem): string {
  if (item.link) return 'Send an update or your response using your personal link';
  if (item.role === 'contact') return 'Find the officer who owns this action and record them as its owner';
  if (item.role === 'chair') return 'For your information as chair: the owner has been asked for an answer';
  return 'Send an update to the scrutiny officer';
}

const STATUS_WORDS: Record<string, string> = { open: 'open', in_progress: 'in progress', responded: 'answered', closed: 'closed', withdrawn: 'withdrawn' };
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One entry of an email: an action by reference, what there is to say of it, and what to do. */
interface Entry {
  reference: string;
  title: string;
  lines: string[];
  todo?: string;
  link?: { url: string; expiresAt: string; label: string };
}

/** A part of the email: what needs the reader, one meeting's action log, or news. */
interface Section {
  heading: string;
  intro?: string;
  entries: Entry[];
  closing?: string;
}

function attentionEntry(i: DigestItem, asOf: LocalDate): Entry {
  const entry: Entry = {
    reference: i.reference,
    title: i.title,
    lines: [`${headline(i)}. Due by ${when(i.dueBy, asOf)}.`, `Committee: ${i.committee}${i.meetingOn ? `, meeting on ${inWords(i.meetingOn)}` : ''}.`],
    todo: whatToDo(i),
  };
  if (i.link) entry.link = { ...i.link, label: `Send an update or your response for ${i.reference}` };
  return entry;
}

function packEntry(i: DigestItem, asOf: LocalDate): Entry {
  const p = i.pack!;
  const flagged = p.timesFlagged > 0 ? ` (flagged ${plural(p.timesFlagged, 'time')})` : '';
  const standing = `${STATUS_WORDS[p.status] ?? p.status}${p.overdue ? `, overdue${flagged}` : ''}${p.rag ? `, RAG ${p.rag}` : ''}`;
  return { reference: i.reference, title: i.title, lines: [`Owner: ${p.owner ?? 'none recorded'}. Due by ${when(i.dueBy, asOf)}.`, `Status: ${standing}.`] };
}

/** Response notices, one entry per action however many updates it had since the last pass. */
function newsEntries(items: readonly DigestItem[]): { entries: Entry[]; answered: number; updated: number } {
  const byAction = new Map<number, { item: DigestItem; answered: boolean; updates: number }>();
  for (const i of items) {
    const news = byAction.get(i.actionId) ?? { item: i, answered: false, updates: 0 };
    if (i.answered) news.answered = true;
    else news.updates += 1;
    byAction.set(i.actionId, news);
  }
  const all = [...byAction.values()];
  const entries = all.map(({ item, answered, updates }) => {
    const said = answered
      ? `Answered${updates ? `, with ${plural(updates, 'new progress update')}` : ''}`
      : updates === 1 ? 'New progress update' : `${updates} new progress updates`;
    return { reference: item.reference, title: item.title, lines: [`${said}.`, `Committee: ${item.committee}.`] };
  });
  return { entries, answered: all.filter((n) => n.answered).length, updated: all.filter((n) => !n.answered).length };
}

/** How the reader stands to the actions they hear news of. */
function relation(items: readonly DigestItem[]): string {
  const asked = items.some((i) => i.role === 'requester');
  const follows = items.some((i) => i.role !== 'requester');
  return asked && follows ? 'you asked for or follow' : asked ? 'you asked for' : 'you follow';
}

/** Dates as YYYY-MM-DD compare as text (no collation needed: a digest may sort thousands). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byDue = (a: DigestItem, b: DigestItem) => compareText(a.dueBy ?? '', b.dueBy ?? '') || a.actionId - b.actionId;

/**
 * The email for one recipient: what needs them (overdue first, then due soon), each meeting's
 * action log for the agenda pack, then news of actions they asked for or follow. The subject and
 * the opening say which of these it holds, so that news alone does not read as a demand.
 */
export function composeDigest(name: string | null, items: readonly DigestItem[], asOf: LocalDate): Digest {
  const writing = composing(name, items, asOf);
  for (;;) {
    const step = writing.next();
    if (step.done) return step.value;
  }
}

/**
 * composeDigest for a caller that must keep answering meanwhile: `pause` is awaited every few
 * hundred entries (a first pass over a large database writes thousands into one digest).
 */
export async function composeDigestPausing(name: string | null, items: readonly DigestItem[], asOf: LocalDate, pause: () => Promise<void>): Promise<Digest> {
  const writing = composing(name, items, asOf);
  for (;;) {
    const step = writing.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** Entries written between two chances to pause. */
const ENTRIES_PER_STEP = 200;

/** The digest, written a step at a time: it yields every ENTRIES_PER_STEP entries. */
function* composing(name: string | null, items: readonly DigestItem[], asOf: LocalDate): Generator<void, Digest> {
  const attention = items.filter((i) => i.kind === 'overdue' || i.kind === 'reminder')
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'overdue' ? -1 : 1) || byDue(a, b));
  const packs = new Map<number, DigestItem[]>();
  for (const i of items.filter((i) => i.kind === 'agenda_pack').sort((a, b) => a.actionId - b.actionId)) {
    const log = packs.get(i.pack!.meetingId) ?? [];
    log.push(i);
    packs.set(i.pack!.meetingId, log);
  }
  const responses = items.filter((i) => i.kind === 'response').sort((a, b) => a.actionId - b.actionId);
  const news = newsEntries(responses);
  const hidden = notForPublication(items);

  const sections: Section[] = [];
  if (attention.length) sections.push({ heading: 'Needs your attention', entries: attention.map((i) => attentionEntry(i, asOf)) });
  for (const log of packs.values()) {
    const first = log[0]!;
    sections.push({
      heading: `Action log for the agenda: ${first.committee}, meeting on ${inWords(first.meetingOn!)}`,
      intro: `The agenda must be published by ${when(first.pack!.despatchBy, asOf)}. ${log.length === 1 ? 'This action is' : `These ${log.length} actions are`} due at the meeting:`,
      entries: log.map((i) => packEntry(i, asOf)),
      closing: 'What to do: put this action log in the agenda pack, and chase the owners of actions still open before it goes out. '
        + 'Business not for publication is never listed in email: read it in the tracker.',
    });
  }
  if (news.entries.length) {
    sections.push({
      heading: 'For your information',
      intro: `News of scrutiny actions ${relation(responses)}. There is nothing you need to do.`,
      entries: news.entries,
    });
  }

  const counts = [
    attention.filter((i) => i.kind === 'overdue').length ? `${attention.filter((i) => i.kind === 'overdue').length} overdue` : '',
    attention.filter((i) => i.kind === 'reminder').length ? `${attention.filter((i) => i.kind === 'reminder').length} due soon` : '',
    packs.size === 1 ? `action log for the meeting on ${inWords([...packs.values()][0]![0]!.meetingOn!)}` : packs.size ? `action logs for ${packs.size} meetings` : '',
    news.answered ? `${news.answered} answered` : '',
    news.updated ? `${news.updated} updated` : '',
  ].filter(Boolean).join(', ');
  const onlyNews = !attention.length && !packs.size;
  const onlyPack = !attention.length && !news.entries.length && packs.size === 1;
  const firstPack = [...packs.values()][0]?.[0];
  const topic = onlyPack
    ? `Action log for the agenda: ${firstPack!.committee}, meeting on ${inWords(firstPack!.meetingOn!)}`
    : onlyNews ? `Scrutiny actions ${relation(responses)}: ${counts}` : `Scrutiny actions: ${counts}`;
  const subject = `${hidden ? 'Not for publication: ' : ''}${topic}`;

  const greeting = name ? `Dear ${name},` : 'Hello,';
  const intro = attention.length
    ? `These scrutiny actions need your attention as of ${inWords(asOf)}.`
    : packs.size
      ? `Here is what is due at the next meeting, for the agenda pack, as of ${inWords(asOf)}.`
      : `Here is news of scrutiny actions ${relation(responses)}, as of ${inWords(asOf)}. `
        + `There is nothing you need to do: ${news.updated && news.answered ? 'the answers and updates are' : news.answered ? 'the answer is' : 'the update is'} in the tracker.`;
  const footer = hidden
    ? 'This email names business that is not for publication (exempt or confidential). Do not forward it.'
    : packs.size
      ? 'You get this because the scrutiny tracker lists you against these actions or as the committee\'s contact.'
      : 'You get this because the scrutiny tracker lists you against these actions.';
  // A single section needs no heading of its own (the opening says what it is), except a meeting's.
  const headed = sections.length > 1 ? sections : sections.filter((s) => s.heading.startsWith('Action log'));
  const showsHeading = (s: Section) => headed.includes(s);
  // News alone: the opening already says there is nothing to do.
  if (onlyNews) sections[0]!.intro = undefined;

  const textEntry = (e: Entry) => [
    `${e.reference} — ${e.title}`,
    ...e.lines.map((l) => `  ${l}`),
    ...(e.todo ? [`  What to do: ${e.todo}${e.link ? `: ${e.link.url} (works until ${inWords(e.link.expiresAt.slice(0, 10))})` : '.'}`] : []),
  ].join('\n');
  const htmlEntry = (e: Entry) => `<li><p><strong>${escapeHtml(e.reference)}</strong> — ${escapeHtml(e.title)}</p>`
    + e.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')
    + (e.link
      ? `<p><a href="${escapeHtml(e.link.url)}">${escapeHtml(e.link.label)}</a> (works until ${escapeHtml(inWords(e.link.expiresAt.slice(0, 10)))})</p>`
      : e.todo ? `<p>What to do: ${escapeHtml(e.todo)}.</p>` : '')
    + '</li>';
  // Each section's entries in both forms, a step at a time.
  const written: { text: string; html: string }[] = [];
  let sinceStep = 0;
  for (const s of sections) {
    const texts: string[] = [];
    const htmls: string[] = [];
    for (const e of s.entries) {
      texts.push(textEntry(e));
      htmls.push(htmlEntry(e));
      if (++sinceStep >= ENTRIES_PER_STEP) {
        sinceStep = 0;
        yield;
      }
    }
    written.push({ text: texts.join('\n\n'), html: htmls.join('\n') });
  }
  const textSection = (s: Section, i: number) => [
    ...(showsHeading(s) ? [s.heading, '-'.repeat(Math.min(s.heading.length, 72)), ''] : []),
    ...(s.intro ? [s.intro, ''] : []),
    written[i]!.text,
    ...(s.closing ? ['', s.closing] : []),
  ].join('\n');
  const text = [greeting, '', intro, '', sections.map(textSection).join('\n\n'), '', footer, ''].join('\n');

  const htmlSection = (s: Section, i: number) => (showsHeading(s) ? `<h2 style="font-size: 19px">${escapeHtml(s.heading)}</h2>` : '')
    + (s.intro ? `<p>${escapeHtml(s.intro)}</p>` : '')
    + `<ul>\n${written[i]!.html}\n</ul>`
    + (s.closing ? `<p>${escapeHtml(s.closing)}</p>` : '');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`
    + `<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5"><p>${escapeHtml(greeting)}</p><p>${escapeHtml(intro)}</p>`
    + `${sections.map(htmlSection).join('\n')}<p>${escapeHtml(footer)}</p></body></html>`;
  return { subject, text, html };
}
