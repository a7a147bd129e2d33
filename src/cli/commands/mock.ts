import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import { defaultMockBehaviour, latencyProfileSchema } from '../../mock/behaviour.ts';
import type { MockBehaviour } from '../../mock/behaviour.ts';
import { MOCK_DEFAULT_CREDENTIALS } from '../../mock/credentials.ts';
import { LOG_MESSAGE_PATH } from '../../client/schema.ts';
import { describeIssues } from '../../util/schemaHelpers.ts';
import { untilAborted } from '../io.ts';
import type { CliIo } from '../io.ts';

interface MockArgs {
  port: number;
  host: string;
  config?: string;
  users?: string;
  register?: string[];
  registerAll?: boolean;
  latency?: string;
  seed?: number;
}

/** `mock`: runs the built-in mock of the endpoint until Ctrl-C. */
export function mockCommand(io: CliIo) {
  return {
    command: 'mock',
    describe: 'Run the built-in mock of the Log Message API until Ctrl-C',
    builder: (yargs: Argv) =>
      yargs
        .option('port', { type: 'number', default: 8080, describe: 'port to listen on (0 picks a free one)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
        .option('config', { type: 'string', describe: "YAML file of mock behaviour (latency, faults), as a scenario's mock: section" })
        .option('users', { type: 'string', describe: 'users CSV: every auth_id not marked expect=403 is registered' })
        .option('register', { type: 'string', array: true, describe: 'register these auth ids' })
        .option('register-all', { type: 'boolean', describe: 'accept every auth_id as registered' })
        .option('latency', { type: 'string', describe: 'fixed service latency, e.g. 20ms (profiles: use --config)' })
        .option('seed', { type: 'number', describe: 'seed of the fault and latency draws' }),
    handler: async (args: MockArgs) => {
      // Loaded on use, so other commands start without the mock server's modules.
      const [{ registeredAuthIdsOf }, { startMockServer }] = await Promise.all([import('../../feed/registeredUsers.ts'), import('../../mock/server.ts')]);
      const behaviour = await behaviourFrom(args, io);
      const registered = args.users ? await registeredAuthIdsOf(args.users) : new Set<string>();
      for (const authId of args.register ?? []) registered.add(authId);
      const credentials = {
        token: io.env.HAPTIK_TOKEN || MOCK_DEFAULT_CREDENTIALS.token,
        clientId: io.env.HAPTIK_CLIENT_ID || MOCK_DEFAULT_CREDENTIALS.clientId,
      };
      const tls = behaviour.tls ? await (await import('../../mock/runCertificate.ts')).makeRunCertificate() : undefined;
      const mock = await startMockServer({ credentials, registeredAuthIds: registered, behaviour, port: args.port, host: args.host, tls });
      // A client trusts the certificate made for this mock by this file (target.ca of a scenario).
      const certificateFile = tls ? join(tmpdir(), `logmsg-mock-${mock.port}.pem`) : undefined;
      if (tls && certificateFile) await writeFile(certificateFile, tls.certPem);
      io.stdout(
        [
          `Mock Log Message API listening on ${mock.url}${LOG_MESSAGE_PATH}`,
          ...(certificateFile ? [`  TLS certificate made for this mock: ${certificateFile} (trust it with target.ca)`] : []),
          `  credentials: Authorization: Bearer ${io.env.HAPTIK_TOKEN ? '<$HAPTIK_TOKEN>' : credentials.token}, client-id: ${credentials.clientId}`,
          `  registered users: ${behaviour.registerAll ? 'every auth_id' : registered.size}`,
          `  stats: GET ${mock.url}/__mock/stats  (DELETE to reset)`,
          'Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      await untilAborted(io.interrupt);
      await mock.close();
      io.stdout('Mock stopped.\n');
    },
  };
}

async function behaviourFrom(args: MockArgs, io: CliIo): Promise<MockBehaviour> {
  const base = args.config ? await (await import('../../mock/config.ts')).readMockBehaviourFile(args.config, io.env) : defaultMockBehaviour;
  const problems: string[] = [];
  let latency = base.latency;
  if (args.latency !== undefined) {
    const parsed = latencyProfileSchema.safeParse(args.latency);
    if (parsed.success) latency = parsed.data;
    else problems.push(...describeIssues(parsed.error, '--latency '));
  }
  if (problems.length > 0) throw new UserError('bad mock options', { exitCode: ExitCode.badInput, problems });
  return {
    ...base,
    latency,
    seed: args.seed ?? base.seed,
    registerAll: args.registerAll ?? base.registerAll,
  };
}
