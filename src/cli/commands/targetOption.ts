import { ExitCode, UserError } from '../../errors.ts';

/** `--target`: "mock" or an http(s) base URL (a path is kept: requests go below it). */
export function parseTargetOption(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text !== 'mock' && !(/^https?:\/\//.test(text) && URL.canParse(text))) {
    throw new UserError(`--target must be "mock" or an http(s) base URL, got "${text}"`, { exitCode: ExitCode.badInput });
  }
  return text;
}
