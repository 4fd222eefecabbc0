import type { ActionKind } from './types.js';

// A short title for an action, derived from its sentence: "Update on the progress of the
// EHCP helpline", "Breakdown of attendance figures by school". Officers edit titles during
// review; this only has to be a sensible start, and never longer than a line.

const MAX_TITLE = 90;
const HEAD_NOUN =
  /\b(updates?|information|details?|reports?|briefing(?: note)?s?|notes?|data|figures|breakdowns?|feedback|responses?|clarification|summary|lists?|analysis|presentations?|cop(?:y|ies)|statistics|comparisons?|timelines?|costings|evidence|explanation|(?:site )?visits?)\b/i;
const TOPIC = /\b(?:on|about|regarding|in relation to|relating to|concerning|into|of|for|around|detailing|setting out|showing)\b /i;

/**
 * The kind of follow-up a sentence asks for. With `cueIndex`, a resolution holding several
 * decisions ("the work programme be agreed, and that the officer arranges a visit") is read
 * from the clause that holds the cue.
 */
export function classifyActionKind(sentence: string, cueIndex = 0): ActionKind {
  const text = cueClause(sentence, cueIndex);
  if (
    /\bupdates?\b|\bprogress\b|report(?:s|ed|ing)? back|further report|work ?programme|forward plan|\bkept (?:informed|updated|up to date|abreast)|come back|brought back|bring back|return to/i.test(text) ||
    /\b(?:be|been|being) (?:reported|presented|submitted|brought) (?:to|before)\b|\breceive an? (?:\w+ )?report\b|\breport (?:on )?(?:the|its|their) .{0,80}\bto\b|\breports? (?:be|would be|will be|to be) (?:submitted|presented|brought)/i.test(text) ||
    // "report performance to the Panel on a six-monthly basis", "the addition of an item on…"
    /\breport(?:s|ed|ing)? (?:[\w-]+ ){1,4}to the (?:committee|board|panel|sub-committee|commission)\b|\bon an? (?:six-monthly|quarterly|monthly|annual|regular|half-yearly) basis\b|\b(?:addition|inclusion) of an? (?:item|report)\b|\badd(?:ing)? an? (?:item|report)\b/i.test(text) ||
    // "bring a report on home care capacity to a future meeting"
    /\b(?:bring|brings|present|presents|submit|submits|take|takes) an? (?:[\w-]+ ){0,2}report\b.{0,120}\bto (?:a|the|its) (?:future|next|later|\w+ \d{4}|[A-Z]\w+) meeting\b/i.test(text)
  ) {
    return 'update';
  }
  if (
    /\b(?:information|details?|data|figures|breakdown|briefing|note|clarification|feedback|cop(?:y|ies)|statistics|numbers|list|summary|analysis|response|answer|explanation|circulat\w*|slides|presentation|map|comparison|costings?|evidence|sight of|assessment|results|findings|survey|reports? (?:on|about|into|detailing|setting out))\b/i.test(text) ||
    // Whatever is provided, shared or sent to members is information: "the modelling be shared with Members".
    /\b(?:provide[sd]?|providing|share[sd]?|sharing|sen[dt]s?|sending|suppl(?:y|ies|ied)|forward(?:s|ed)?|e-?mail(?:s|ed)?)\b|\bthe number of\b/i.test(text)
  ) {
    return 'information';
  }
  return 'task';
}

const CLAUSE_BREAKS = ['; ', ', and that ', ' and that ', ', subject to ', ' subject to '];

/** From the last clause break before the cue to the end; the whole sentence without a cue. */
export function cueClause(sentence: string, cueIndex: number): string {
  if (cueIndex <= 0) return sentence;
  const before = sentence.slice(0, cueIndex);
  let cut = -1;
  let width = 0;
  for (const b of CLAUSE_BREAKS) {
    const at = before.lastIndexOf(b);
    if (at > cut) {
      cut = at;
      width = b.length;
    }
  }
  return cut >= 0 ? sentence.slice(cut + width) : sentence;
}

function truncate(text: string): string {
  if (text.length <= MAX_TITLE) return text;
  const cut = text.slice(0, MAX_TITLE - 1);
  const space = cut.lastIndexOf(' ');
  return (space > 40 ? cut.slice(0, space) : cut).replace(/[,;:\u2013-]$/, '') + '…';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function tidy(text: string): string {
  return text
    .replace(/^(?:\(?[\dA-Za-z]{1,4}\)|\d{1,2}\.)\s+/, '')
    .replace(/^(?:that|it was (?:agreed|noted|reported|requested|resolved) that|following (?:discussion|debate),?)\s+/i, '')
    .replace(/[\s.;,:]+$/, '')
    .replace(/(?:;|,)? and$/, '')
    .trim();
}

/** Cut the topic at the next clause that is about delivery, not subject matter. */
function topicOf(rest: string): string {
  return rest
    .split(/(?:,|;| \u2013 | \u2014 | - )\s|\s(?:be|would|will|to be|should|and (?:be|would|that)|at the next|at a future|to the (?:committee|board|panel)|to members)\b/i)[0]
    ?.trim() ?? '';
}

export function deriveActionTitle(sentence: string): string {
  const text = tidy(sentence);
  const noun = HEAD_NOUN.exec(text);
  if (noun) {
    const after = text.slice(noun.index + noun[0].length);
    const topicAt = TOPIC.exec(after);
    if (topicAt && topicAt.index <= 60) {
      const topic = topicOf(after.slice(topicAt.index + topicAt[0].length));
      if (topic.split(' ').length >= 2) {
        const connector = topicAt[0].trim().toLowerCase();
        const head = noun[0].toLowerCase() === 'information' ? 'Information' : capitalise(noun[0].toLowerCase());
        return truncate(`${head} ${connector} ${topic}`);
      }
    }
  }
  return truncate(capitalise(text));
}
