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

export interface RunTestFileOptions {
  cwd?: string;
  /** The process's environment (default process.env), less tap's own settings (TAP*, _TAPJS_*). */
  env?: NodeJS.ProcessEnv;
  timeoutS?: number;
  stderr?: { write(chunk: string): unknown };
  running?: Set<ChildProcess>;
}

export function runTestFile(path: string, options?: RunTestFileOptions): Promise<TestFileResult>;
