import type { ActionKind } from './types.js';

// A short title for an action, derived from its sentence: "Update on the progress of the
// EHCP helpline", "Breakdown of attendance figures by school". Officers edit titles during
// review; this only has to be a sensible start, and never longer than a line.

const MAX_TITLE = 90;
const HEAD_NOUN =
  /\b(updates?|information|details?|reports?|briefing(?: note)?s?|notes?|data|figures|breakdowns?|feedback|responses?|clarification|summary|lists?|analysis|presentations?|cop(?:y|ies)|statistics|comparisons?|timelines?|costings|evidence|explanation|(?:site )?visits?)\b/i;
const TOPIC = /\b(?:on|about|regarding|in relation to|relating to|concerning|into|of|for|around|detailing|setting out|showing)\b /i;

/** The kind of follow-up a sentence asks for. */
export function classifyActionKind(text: string): ActionKind {
  if (
    /\bupdates?\b|\bprogress\b|report(?:ed|ing)? back|further report|work ?programme|forward plan|\bkept (?:informed|updated|up to date|abreast)|come back|brought back|bring back|return to/i.test(text) ||
    /\b(?:be|been|being) (?:reported|presented|submitted|brought) (?:to|before)\b|\breceive an? (?:\w+ )?report\b|\breport (?:on )?(?:the|its|their) .{0,80}\bto\b|\breports? (?:be|would be|will be|to be) (?:submitted|presented|brought)/i.test(text)
  ) {
    return 'update';
  }
  if (/\b(?:information|details?|data|figures|breakdown|briefing|note|clarification|feedback|cop(?:y|ies)|statistics|numbers|list|summary|analysis|response|answer|explanation|circulat\w*|slides|presentation|map|comparison|costings?|evidence|sight of|assessment|results|findings|survey|reports? (?:on|about|into|detailing|setting out))\b/i.test(text)) {
    return 'information';
  }
  return 'task';
}

function truncate(text: string): string {
  if (text.length <= MAX_TITLE) return text;
  const cut = text.slice(0, MAX_TITLE - 1);
  const space = cut.lastIndexOf(' ');
  return (space > 40 ? cut.slice(0, space) : cut).replace(/[,;:–-]$/, '') + '…';
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
    .split(/(?:,|;| – | — | - )\s|\s(?:be|would|will|to be|should|and (?:be|would|that)|at the next|at a future|to the (?:committee|board|panel)|to members)\b/i)[0]
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
