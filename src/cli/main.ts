#!/usr/bin/env node
import { runCli } from './run.ts';

// The only place that touches process state: signals, streams, the environment and the exit code.

// Pact's native core reports usage to its makers unless told not to; nothing of ours leaves the machine.
process.env.PACT_DO_NOT_TRACK = 'true';

const interrupt = new AbortController();
let firstInterruptMs: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const nowMs = performance.now();
    // A second Ctrl-C quits at once; a repeat within a second (npm and `timeout` relay one signal
    // twice, a terminal sends SIGINT to the whole group) is the same request to stop.
    if (firstInterruptMs !== undefined && nowMs - firstInterruptMs > 1000) process.exit(130);
    firstInterruptMs ??= nowMs;
    interrupt.abort(signal);
  });
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  interrupt: interrupt.signal,
  isTty: Boolean(process.stdout.isTTY),
});
process.exitCode = exitCode;
