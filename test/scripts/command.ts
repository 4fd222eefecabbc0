import { spawn } from 'node:child_process';
import type { CommandIo } from '../../scripts/cli.js';
import { projectRoot, scriptArgs } from '../helper.js';

// Two ways to run a command in a test: the real process (1.5–3 s of CPU each), kept
// once per command to check what the shell sees, and the command's exported main() in this
// process for everything else, which runs the same code on the same arguments and environment.

export interface Run { code: number | null; stdout: string; stderr: string }

const CWD = projectRoot;

/** The command as a process, in the project folder; a hung one is killed rather than left running. */
export function spawnCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: CWD, env: { ...process.env, ...env }, timeout: 90_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `node scripts/NAME …`: what npm runs, without npm's start-up (compiled, or through tsx: scriptArgs). */
export const spawnScript = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
  spawnCommand(process.execPath, [...scriptArgs(script), ...args], env);

/** The command's main() in this process, its output collected: the exit code it would exit with. */
export async function callMain(main: (argv: string[], io: CommandIo) => Promise<number>, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    env: { ...process.env, ...env },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
