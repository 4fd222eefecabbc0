import { spawn } from 'node:child_process';
import { track } from '../../scripts/bench/processes.js';

// A bench that dies part-way: it starts a long-running child the way the bench starts its
// servers, prints the child's pid, then throws. bench-cli.test.ts checks the child is gone.

const child = track(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }));
process.stdout.write(`${child.pid}\n`);
setTimeout(() => {
  throw new Error('the bench failed part-way');
}, 200);
