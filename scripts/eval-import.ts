import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  addScores,
  attributeMismatches,
  precisionOf,
  recallOf,
  scoreDraft,
  type DocumentScore,
  type ExpectedMinutes,
  type Score,
} from '../src/import/evaluation.js';
import { parseMinutes } from '../src/import/index.js';
import type { MinutesDraft } from '../src/import/types.js';

// `npx tsx scripts/eval-import.ts [--verbose]`: parse every labelled minutes document (our own
// fixtures, plus the seeds read in place from ../shared/seeds when that folder exists) and
// print precision and recall for items, resolutions and actions. Exits 1 when any overall
// figure is below the bar.

export const QUALITY_BAR = 0.9;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface LabelledDocument {
  name: string;
  text: string;
  expected: ExpectedMinutes;
}

export function loadEvaluationSet(root = repoRoot): LabelledDocument[] {
  const fixtures = join(root, 'test', 'fixtures', 'minutes');
  const docs: LabelledDocument[] = [];
  for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.expected.json')).sort()) {
    const name = file.replace(/\.expected\.json$/, '');
    docs.push({
      name,
      text: readFileSync(join(fixtures, `${name}.txt`), 'utf8'),
      expected: JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as ExpectedMinutes,
    });
  }
  // The seeds are real minutes kept outside the repository; CI has them beside it.
  const seeds = resolve(root, '..', 'shared', 'seeds');
  const seedLabels = join(fixtures, 'seeds');
  if (existsSync(seeds) && existsSync(seedLabels)) {
    for (const file of readdirSync(seedLabels).filter((f) => f.endsWith('.expected.json')).sort()) {
      const name = file.replace(/\.expected\.json$/, '');
      const textPath = join(seeds, `${name}.txt`);
      if (!existsSync(textPath)) continue;
      docs.push({
        name: `seed:${name}`,
        text: readFileSync(textPath, 'utf8'),
        expected: JSON.parse(readFileSync(join(seedLabels, file), 'utf8')) as ExpectedMinutes,
      });
    }
  }
  return docs;
}

export interface EvaluationResult {
  documents: Array<{ name: string; score: DocumentScore; draft: MinutesDraft; mismatches: string[] }>;
  overall: DocumentScore;
}

export function evaluate(docs: readonly LabelledDocument[]): EvaluationResult {
  const zero: Score = { matched: 0, predicted: 0, expected: 0 };
  let overall: DocumentScore = { items: zero, resolutions: zero, actions: zero, progress: zero };
  const documents = docs.map((doc) => {
    const draft = parseMinutes(doc.text);
    const score = scoreDraft(draft, doc.expected);
    overall = {
      items: addScores(overall.items, score.items),
      resolutions: addScores(overall.resolutions, score.resolutions),
      actions: addScores(overall.actions, score.actions),
      progress: addScores(overall.progress, score.progress),
    };
    return { name: doc.name, score, draft, mismatches: attributeMismatches(draft, doc.expected) };
  });
  return { documents, overall };
}

function cell(s: Score): string {
  if (s.predicted === 0 && s.expected === 0) return '   –     –  ';
  return `${precisionOf(s).toFixed(2)}  ${recallOf(s).toFixed(2)}  `;
}

export function formatTable(result: EvaluationResult): string {
  const width = Math.max(10, ...result.documents.map((d) => d.name.length)) + 2;
  const header = `${'document'.padEnd(width)}| items P  R   | resol. P  R  | actions P  R | (n items/res/act)`;
  const lines = [header, '-'.repeat(header.length)];
  for (const d of result.documents) {
    const n = `${d.score.items.expected}/${d.score.resolutions.expected}/${d.score.actions.expected}`;
    lines.push(`${d.name.padEnd(width)}| ${cell(d.score.items)} | ${cell(d.score.resolutions)}| ${cell(d.score.actions)}| ${n}`);
  }
  lines.push('-'.repeat(header.length));
  const o = result.overall;
  lines.push(`${'OVERALL (micro)'.padEnd(width)}| ${cell(o.items)} | ${cell(o.resolutions)}| ${cell(o.actions)}| ${o.items.expected}/${o.resolutions.expected}/${o.actions.expected}`);
  lines.push(`progress statements (not gated): precision ${precisionOf(o.progress).toFixed(2)}, recall ${recallOf(o.progress).toFixed(2)}`);
  return lines.join('\n');
}

export function belowBar(overall: DocumentScore): string[] {
  const failures: string[] = [];
  for (const key of ['items', 'resolutions', 'actions'] as const) {
    if (precisionOf(overall[key]) < QUALITY_BAR) failures.push(`${key} precision ${precisionOf(overall[key]).toFixed(2)}`);
    if (recallOf(overall[key]) < QUALITY_BAR) failures.push(`${key} recall ${recallOf(overall[key]).toFixed(2)}`);
  }
  return failures;
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const result = evaluate(loadEvaluationSet());
  process.stdout.write(formatTable(result) + '\n');
  if (verbose) {
    for (const d of result.documents) {
      for (const m of d.mismatches) process.stderr.write(`${d.name}: ${m}\n`);
    }
  }
  const failures = belowBar(result.overall);
  if (failures.length > 0) {
    process.stderr.write(`Below the ${QUALITY_BAR} bar: ${failures.join(', ')}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
