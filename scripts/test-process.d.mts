import type { ChildProcess } from 'node:child_process';

export interface TestFileResult {
  output: string;
  ok: boolean;
  ms: number;
  passed: number;
  failed: number;
  skipped: number;
  exit: string;
  failures: string[];
}

export function runTestFile(
  path: string,
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutS?: number; stderr?: { write(chunk: string): unknown }; running?: Set<ChildProcess> },
): Promise<TestFileResult>;
