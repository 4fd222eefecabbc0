import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpectedMinutes } from '../../src/import/evaluation.js';

// The external development set: real minutes from councils the rules were not written
// against, kept in ../shared/minutes-dev beside the repository and read there in place (their
// text is never copied into the project). Its hand labels, `truth.json`, are cues: lower-case
// fragments of the source sentences, with optional and negative action cues. They are turned
// into the project's own label shape here so one scorer scores every set.

/** truth.json, one entry per text file; its `about` field is the labeller's own account of the schema. */
interface TruthEntry {
  meeting?: { date?: string; committee?: string };
  items?: string[];
  resolutions?: string[];
  actions?: Array<{ cue: string } | { any: string[] }>;
  optional?: string[];
  negative?: string[];
}

export interface MinutesDevDocument {
  name: string;
  text: string;
  expected: ExpectedMinutes;
}

/** Each text opens with `SOURCE: <url>` and a blank line, which no council wrote. */
export function withoutSourceHeader(text: string): string {
  return text.replace(/^SOURCE:[^\r\n]*\r?\n[ \t]*\r?\n/, '');
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${where}: expected a list of strings`);
  return value;
}

export function expectedFromTruth(entry: TruthEntry, where: string): ExpectedMinutes {
  const actions = (entry.actions ?? []).map((action, i) => {
    const [sentence, ...alternatives] = 'any' in action ? strings(action.any, `${where} actions[${i}].any`) : strings([action.cue], `${where} actions[${i}].cue`);
    if (sentence === undefined) throw new Error(`${where} actions[${i}]: no cue`);
    return { sentence, alternatives };
  });
  const expected: ExpectedMinutes = {
    // truth.json records only what the text states, so a missing date or committee is labelled "not stated".
    meeting: { date: entry.meeting?.date ?? null, committeeName: entry.meeting?.committee ?? null },
    resolutions: strings(entry.resolutions, `${where} resolutions`).map((text) => ({ text })),
    resolutionMatching: 'shared',
    actions,
    optionalActions: strings(entry.optional, `${where} optional`),
    negativeActions: strings(entry.negative, `${where} negative`),
  };
  // Items are labelled (by number) only where the text numbers them; elsewhere they are not scored.
  if (entry.items !== undefined) expected.items = strings(entry.items, `${where} items`).map((number) => ({ number }));
  return expected;
}

/** The labelled texts in `folder`, or null when it holds no truth.json. */
export function loadMinutesDev(folder: string): MinutesDevDocument[] | null {
  const truthPath = join(folder, 'truth.json');
  if (!existsSync(truthPath)) return null;
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as { files?: Record<string, TruthEntry> };
  const documents: MinutesDevDocument[] = [];
  for (const file of Object.keys(truth.files ?? {}).sort()) {
    const textPath = join(folder, file);
    if (!existsSync(textPath)) continue;
    documents.push({
      name: file.replace(/\.txt$/, ''),
      text: withoutSourceHeader(readFileSync(textPath, 'utf8')),
      expected: expectedFromTruth(truth.files![file]!, `truth.json ${file}`),
    });
  }
  return documents;
}
