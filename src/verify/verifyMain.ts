// Child process of `verify` when colour is off: Pact's native core writes its report straight to
// stdout with ANSI colours, so the parent runs it here and strips them from the pipe.
// argv: the VerifyJob as JSON; credentials come from the environment, never argv.
import { UserError } from '../errors.ts';
import { verifyProvider } from './verify.ts';
import type { VerifyJob, VerifyOutcome } from './verifyJob.ts';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as VerifyJob;
  let outcome: VerifyOutcome;
  try {
    await verifyProvider({ ...job, credentials: { token: process.env.HAPTIK_TOKEN!, clientId: process.env.HAPTIK_CLIENT_ID! } });
    outcome = { ok: true };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    outcome = { ok: false, message: error.message, problems: [...error.problems], exitCode: error.exitCode };
  }
  process.send!(outcome, () => process.exit(0));
}

// No top-level await: the test suite bundles the entry points as CommonJS (test/fixtures/cliBundle.ts).
void main();
