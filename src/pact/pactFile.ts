import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ExitCode, UserError } from '../errors.ts';
import { describeIssues } from '../util/schemaHelpers.ts';
import { NOT_JSON, parseJson } from '../checks/jsonValue.ts';
import { headerValues } from '../checks/headerCheck.ts';
import { readResponseRules } from './matchingRules.ts';
import type { PactRule } from './matchingRules.ts';

const headersSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

const responseSchema = z.looseObject({
  status: z.number().int(),
  headers: headersSchema.optional(),
  body: z.unknown().optional(),
  // Read by pact/matchingRules.ts, in every form the Pact core reads.
  matchingRules: z.unknown().optional(),
});

const pactFileSchema = z.looseObject({
  interactions: z.array(z.looseObject({ type: z.string().optional(), description: z.string(), response: responseSchema })).min(1),
  metadata: z.looseObject({
    pactSpecification: z.looseObject({ version: z.string().regex(/^[1-4]\./, 'a pact specification from 1 to 4') }),
  }),
});

export type { PactRule } from './matchingRules.ts';

/** What one interaction expects of a response. */
export interface PactResponse {
  /** Its position in the pact file's interactions. */
  index: number;
  description: string;
  status: number;
  /** A V4 status rule (`statusCode`), when the interaction accepts a class or list of statuses. */
  statusRule: PactRule | undefined;
  /** Headers by lower-cased name: the name as written and its values (one per header line). */
  headers: Record<string, { name: string; values: string[] }>;
  /** The example body (JSON, numbers as the reference reads them), or undefined when the interaction expects none. */
  body: unknown;
  /** The body's content type, as the pact gives it (V4 body, else its Content-Type header). */
  bodyContentType: string | undefined;
  bodyRules: Record<string, PactRule>;
  /** Header rules by lower-cased name. */
  headerRules: Record<string, PactRule>;
  /** Constructs the harness does not check, each named; the pact is refused when there is any. */
  unsupported: string[];
}

/** Reads a pact file (V3 or V4) and returns what each HTTP interaction expects of its response. */
export async function readPactResponses(file: string): Promise<PactResponse[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the pact ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (run npm run contract to write it)`, {
      exitCode: ExitCode.badInput,
    });
  }
  return parsePactResponses(text, file);
}

/** Parses pact JSON text; every problem is reported at once. Numbers keep their literal (1.0 is a decimal). */
export function parsePactResponses(text: string, file: string): PactResponse[] {
  const json = parseJson(text);
  // The file's own text never reaches the message: it may be anything.
  if (json === NOT_JSON) throw new UserError(`the pact ${file} is not JSON`, { exitCode: ExitCode.badInput });
  const parsed = pactFileSchema.safeParse(json);
  if (!parsed.success)
    throw new UserError(`${file} is not a pact this harness can read`, { exitCode: ExitCode.badInput, problems: describeIssues(parsed.error) });
  const v4 = parsed.data.metadata.pactSpecification.version.startsWith('4');
  return parsed.data.interactions
    .map((interaction, index) => ({ interaction, index }))
    .filter(({ interaction }) => interaction.type === undefined || interaction.type === 'Synchronous/HTTP')
    .map(({ interaction, index }) => {
      const { response } = interaction;
      const unsupported: string[] = [];
      const headers: PactResponse['headers'] = {};
      for (const [name, value] of Object.entries(response.headers ?? {}))
        headers[name.toLowerCase()] = { name, values: Array.isArray(value) ? value : headerValues(name.toLowerCase(), value) };
      const rules = readResponseRules(response.matchingRules);
      unsupported.push(...rules.problems);
      let body: unknown = response.body;
      let bodyContentType = headers['content-type']?.values[0];
      if (v4 && response.body !== undefined) {
        // V4 wraps a body as { content, contentType, encoded }; V3 writes the JSON itself.
        const wrapped = response.body as { content?: unknown; contentType?: unknown; encoded?: unknown };
        body = wrapped.content;
        if (typeof wrapped.contentType === 'string') bodyContentType = wrapped.contentType;
        if (wrapped.encoded !== undefined && wrapped.encoded !== false)
          unsupported.push(`an encoded (${String(wrapped.encoded)}) body: only JSON bodies are checked`);
      }
      if (body !== undefined && bodyContentType !== undefined && !isJsonType(bodyContentType))
        unsupported.push(`a body of type ${bodyContentType}: only JSON bodies are checked`);
      return {
        index,
        description: interaction.description,
        status: response.status,
        statusRule: rules.status,
        headers,
        body,
        bodyContentType,
        bodyRules: rules.body,
        headerRules: rules.header,
        unsupported,
      };
    });
}

/** Whether a content type is JSON: application/json, or any type with a +json suffix. */
export function isJsonType(contentType: string): boolean {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || base.endsWith('+json');
}
