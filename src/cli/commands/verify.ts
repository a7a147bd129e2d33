import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import type { CliIo } from '../io.ts';
import { colourAllowed } from '../output.ts';

/** `verify`: replays pacts/ against any running provider with its own credentials. */
export function verifyCommand(io: CliIo) {
  return {
    command: 'verify',
    describe: 'Verify a running provider against the pacts in pacts/ (token and client id from HAPTIK_TOKEN / HAPTIK_CLIENT_ID)',
    builder: (yargs: Argv) =>
      yargs
        .option('provider-base-url', { type: 'string', demandOption: true, describe: 'base URL of the provider, e.g. https://staging.example.com' })
        .option('registered-auth-id', { type: 'string', demandOption: true, describe: 'an auth_id the provider knows' })
        .option('unregistered-auth-id', { type: 'string', demandOption: true, describe: 'an auth_id the provider does not know' })
        .option('pact', { type: 'string', array: true, describe: 'pact file(s) to verify instead of pacts/*.json' }),
    handler: async (args: { providerBaseUrl: string; registeredAuthId: string; unregisteredAuthId: string; pact?: string[] }) => {
      const problems: string[] = [];
      const token = io.env.HAPTIK_TOKEN;
      const clientId = io.env.HAPTIK_CLIENT_ID;
      if (!token) problems.push('HAPTIK_TOKEN is not set: export the bearer token the provider issued');
      if (!clientId) problems.push("HAPTIK_CLIENT_ID is not set: export your account's client id");
      if (!URL.canParse(args.providerBaseUrl)) problems.push(`--provider-base-url "${args.providerBaseUrl}" is not a URL`);
      if (problems.length > 0) throw new UserError('cannot verify the provider', { exitCode: ExitCode.badInput, problems });
      const job = {
        providerBaseUrl: args.providerBaseUrl,
        registeredAuthId: args.registeredAuthId,
        unregisteredAuthId: args.unregisteredAuthId,
        pactFiles: args.pact,
      };
      if (colourAllowed(io)) {
        // Loaded on use: Pact's native core is heavy, and other commands never need it.
        const { verifyProvider } = await import('../../verify/verify.ts');
        await verifyProvider({ ...job, credentials: { token: token!, clientId: clientId! } });
      } else {
        // The native core colours what it writes to stdout whatever the stream: apart, through a pipe without codes.
        const { verifyWithoutColour } = await import('../../verify/verifyJob.ts');
        await verifyWithoutColour(job, io.env, io);
      }
      io.stdout(`${args.providerBaseUrl} honours every interaction of the pact.\n`);
    },
  };
}
