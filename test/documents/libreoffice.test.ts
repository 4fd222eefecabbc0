import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { build } from '../helper.js';
import { AS_OF, LONG_TITLE, seedDocuments } from './fixture.js';

// The tracker's Word file opened by LibreOffice, where the machine has it (`soffice` on the PATH,
// or SOFFICE_PATH): converted to PDF and then to text, its words must survive. Elsewhere the test
// is skipped, saying so; tracker.test.ts checks the package itself everywhere.

function found(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const SOFFICE = process.env.SOFFICE_PATH ?? found('soffice');
const skip = SOFFICE ? false : 'LibreOffice (soffice) is not installed here: the Word file is checked as a package only (tracker.test.ts)';

t.test('LibreOffice opens the tracker and its text survives conversion to PDF', { skip }, async (t) => {
  const api = await build(t);
  const s = await seedDocuments(api);
  const res = await api.request({ method: 'GET', url: `/v1/committees/${s.committeeId}/tracker?asOf=${AS_OF}&format=docx` });
  const dir = mkdtempSync(join(tmpdir(), 'tracker-docx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tracker.docx'), res.rawPayload);
  const profile = `file://${join(dir, 'profile')}`;
  execFileSync(SOFFICE!, [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, 'tracker.docx')], { timeout: 120_000 });
  t.ok(readdirSync(dir).includes('tracker.pdf'), 'converted to PDF');
  // And back to text, to read what a person would see.
  execFileSync(SOFFICE!, [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'txt:Text', '--outdir', dir, join(dir, 'tracker.docx')], { timeout: 120_000 });
  const text = readFileSync(join(dir, 'tracker.txt'), 'utf8').replace(/\s+/g, ' ');
  for (const words of [LONG_TITLE, 'Monday 15 July 2024, minute 16', '3rd meeting without an update', 'RAG key']) t.ok(text.includes(words), words);
});
