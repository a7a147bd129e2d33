import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ExitCode, UserError } from '../errors.ts';
import { describeIssues } from '../util/schemaHelpers.ts';

const matcherSchema = z.looseObject({ match: z.string() });
const ruleSchema = z.object({ combine: z.enum(['AND', 'OR']).default('AND'), matchers: z.array(matcherSchema).min(1) });
const ruleCategorySchema = z.record(z.string(), ruleSchema);
const headersSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

const responseSchema = z.looseObject({
  status: z.number().int(),
  headers: headersSchema.optional(),
  body: z.unknown().optional(),
  matchingRules: z.looseObject({ body: ruleCategorySchema.optional(), header: ruleCategorySchema.optional() }).optional(),
});

const pactFileSchema = z.looseObject({
  interactions: z.array(z.looseObject({ type: z.string().optional(), description: z.string(), response: responseSchema })).min(1),
  metadata: z.looseObject({ pactSpecification: z.looseObject({ version: z.string().regex(/^[34]\./, 'pact specification 3 or 4 (V2 pacts have another rule format)') }) }),
});

/** A matching rule as the pact writes it: matchers combined with AND or OR. */
export type PactRule = z.infer<typeof ruleSchema>;

/** What one interaction expects of a response. */
export interface PactResponse {
  description: string;
  status: number;
  /** Header names lower-cased; values as the pact gives them (joined with ", "). */
  headers: Record<string, string>;
  /** The example body (JSON), or undefined when the interaction expects none. */
  body: unknown;
  bodyRules: Record<string, PactRule>;
  headerRules: Record<string, PactRule>;
}

/** Reads a pact file (V3 or V4) and returns what each HTTP interaction expects of its response. */
export async function readPactResponses(file: string): Promise<PactResponse[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the pact ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (run npm run contract to write it)`, { exitCode: ExitCode.badInput });
  }
  return parsePactResponses(text, file);
}

/** Parses pact JSON text; every problem is reported at once. */
export function parsePactResponses(text: string, file: string): PactResponse[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`the pact ${file} is not JSON: ${(error as Error).message}`, { exitCode: ExitCode.badInput });
  }
  const parsed = pactFileSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`${file} is not a pact this harness can read`, { exitCode: ExitCode.badInput, problems: describeIssues(parsed.error) });
  const v4 = parsed.data.metadata.pactSpecification.version.startsWith('4');
  return parsed.data.interactions
    .filter((interaction) => interaction.type === undefined || interaction.type === 'Synchronous/HTTP')
    .map((interaction) => {
      const { response } = interaction;
      // V4 wraps a body as { content, contentType, encoded }; V3 writes the JSON itself.
      const body = v4 && response.body !== undefined ? (response.body as { content?: unknown }).content : response.body;
      const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]));
      const headerRules = Object.fromEntries(Object.entries(response.matchingRules?.header ?? {}).map(([name, rule]) => [name.toLowerCase(), rule]));
      return { description: interaction.description, status: response.status, headers, body, bodyRules: response.matchingRules?.body ?? {}, headerRules };
    });
}
