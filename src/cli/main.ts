#!/usr/bin/env node
import { runCli } from './run.ts';

// The only place that touches process state: signals, streams, the environment and the exit code.

// Pact's native core reports usage to its makers unless told not to; nothing of ours leaves the machine.
process.env.PACT_DO_NOT_TRACK = 'true';

const interrupt = new AbortController();
const hurry = new AbortController();
let lastSignalMs: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const nowMs = performance.now();
    // A repeat within a second (npm and `timeout` relay one signal twice, a terminal sends SIGINT
    // to the whole group) is the same request.
    if (lastSignalMs !== undefined && nowMs - lastSignalMs <= 1000) return;
    lastSignalMs = nowMs;
    // The first stops the run; the second stops waiting for requests in flight (the partial result
    // is still written, quickly); only a third gives up on writing it.
    if (!interrupt.signal.aborted) return interrupt.abort(signal);
    if (!hurry.signal.aborted) return hurry.abort(signal);
    process.stderr.write('Interrupted a third time: exiting now, without writing results.\n');
    process.exit(130);
  });
}

// No top-level await: the test suite bundles the entry points as CommonJS (test/fixtures/cliBundle.ts).
// A rejection is a bug, and crashes loudly as an unhandled one.
void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  interrupt: interrupt.signal,
  hurry: hurry.signal,
  isTty: Boolean(process.stdout.isTTY),
}).then((exitCode) => {
  process.exitCode = exitCode;
});
