import type { Argv } from 'yargs';
import { ExitCode, UserError } from '../../errors.ts';
import { fitConversations, fittedYaml } from '../../conversations/fit.ts';
import type { LoggedMessage } from '../../conversations/fit.ts';
import { replayRowSchema } from '../../feed/rowSchemas.ts';
import { scanCsv } from '../../feed/scanCsv.ts';
import { parseDurationMs } from '../../util/duration.ts';
import type { CliIo } from '../io.ts';

interface FitArgs {
  log: string;
  sessionGap: string;
}

/** `fit`: the conversation model of a traffic log, as YAML to paste into a conversations phase. */
export function fitCommand(io: CliIo) {
  return {
    command: 'fit <log>',
    describe: 'Derive a conversations phase (rate, messages per conversation, think time) from a traffic log, with how well each fits',
    builder: (yargs: Argv) =>
      yargs
        .positional('log', { type: 'string', demandOption: true, describe: 'a traffic log CSV: offset_ms, auth_id, message_body (as a replay phase reads)' })
        .option('session-gap', {
          type: 'string',
          default: '5m',
          describe: "a user's messages further apart than this start a new conversation",
        }),
    handler: async (args: FitArgs) => {
      const sessionGapMs = parseDurationMs(args.sessionGap);
      if (sessionGapMs === undefined || sessionGapMs <= 0)
        throw new UserError(`--session-gap wants a duration above 0, e.g. 30s or 5m; got "${args.sessionGap}"`, { exitCode: ExitCode.badInput });
      const messages: LoggedMessage[] = [];
      await scanCsv(args.log, replayRowSchema, (row) => messages.push({ offsetMs: row.offset_ms, authId: row.auth_id }), io.interrupt);
      if (messages.length === 0) throw new UserError(`${args.log}: no message to fit a model to`, { exitCode: ExitCode.badInput });
      io.stdout(fittedYaml(fitConversations(messages, sessionGapMs), args.log));
    },
  };
}
