import { readFile } from 'node:fs/promises';
import { isMap, isNode, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { ExitCode, UserError } from '../errors.ts';
import { knownKeys, nearestKey } from './knownKeys.ts';

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Every `${VAR}` a parsed value names, once each, and whether it has a default. */
export function envReferences(value: unknown): { name: string; hasDefault: boolean }[] {
  const found = new Map<string, boolean>();
  const visit = (item: unknown): void => {
    if (typeof item === 'string')
      for (const match of item.matchAll(ENV_REFERENCE)) found.set(match[1]!, (found.get(match[1]!) ?? true) && match[2] !== undefined);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (item !== null && typeof item === 'object') Object.values(item).forEach(visit);
  };
  visit(value);
  return [...found].map(([name, hasDefault]) => ({ name, hasDefault }));
}

/** A `${VAR}` with no value and no default, and where it was written. */
export interface MissingVariable {
  name: string;
  path: (string | number)[];
}

/** Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed value; lists unset ones. */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path: (string | number)[] = [],
  missing: MissingVariable[] = [],
): { value: unknown; missing: MissingVariable[] } {
  if (typeof value === 'string') {
    const replaced = value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const set = env[name];
      if (set !== undefined && set !== '') return set;
      if (fallback !== undefined) return fallback;
      missing.push({ name, path });
      return '';
    });
    return { value: replaced, missing };
  }
  if (Array.isArray(value)) return { value: value.map((item, i) => interpolateEnv(item, env, [...path, i], missing).value), missing };
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateEnv(item, env, [...path, key], missing).value;
    return { value: out, missing };
  }
  return { value, missing };
}

/** A parsed YAML document that can say on which line a field was written. */
export class YamlSource {
  readonly file: string;
  readonly data: unknown;
  readonly #document: Document;
  readonly #lines: LineCounter;

  private constructor(file: string, document: Document, lines: LineCounter, data: unknown) {
    this.file = file;
    this.#document = document;
    this.#lines = lines;
    this.data = data;
  }

  /** Reads and parses a YAML file; syntax errors become one UserError listing them all. */
  static async read(file: string): Promise<YamlSource> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`}`, { exitCode: ExitCode.badInput, cause: error });
    }
    return YamlSource.parse(file, text);
  }

  /** Parses YAML text attributed to `file`. */
  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (document.errors.length > 0) {
      const problems = document.errors.map((error) => `${file}:${lines.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`);
      throw new UserError(`${file}: not valid YAML`, { exitCode: ExitCode.badInput, problems });
    }
    let data: unknown;
    try {
      // The yaml library refuses documents whose aliases would expand without bound (alias bombs).
      data = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new UserError(`${file}: cannot be read: ${(error as Error).message}`, { exitCode: ExitCode.badInput, cause: error });
    }
    return new YamlSource(file, document, lines, data);
  }

  /** `file:line` of the deepest node that exists along `path`. */
  locate(path: readonly PropertyKey[]): string {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.#document.getIn(path.slice(0, depth) as (string | number)[], true);
      if (isNode(node) && node.range) {
        // For a missing key, point at the map that should hold it.
        return `${this.file}:${this.#lines.linePos(node.range[0]).line}`;
      }
      if (depth === 0 && isMap(this.#document.contents) && this.#document.contents.range) {
        return `${this.file}:${this.#lines.linePos(this.#document.contents.range[0]).line}`;
      }
    }
    return this.file;
  }

  /** One problem line: `file:line: field.path: message`. */
  problem(path: readonly PropertyKey[], message: string): string {
    const field = path.map(String).join('.');
    return `${this.locate(path)}: ${field ? `${field}: ` : ''}${message}`;
  }
}

/**
 * Validates a value read from `source` against `schema`, describing every issue with its line.
 * Fields in `explainedPaths` already have a problem of their own in `extraProblems` (an unset
 * `${VAR}`, say): the schema's issues there are consequences, so one cause makes one line.
 */
export function validateAgainst<S extends z.ZodType>(
  source: YamlSource,
  value: unknown,
  schema: S,
  extraProblems: string[] = [],
  explainedPaths: readonly (readonly PropertyKey[])[] = [],
): z.output<S> {
  const parsed = schema.safeParse(value);
  const problems = [...extraProblems];
  const explained = new Set(explainedPaths.map((path) => path.map(String).join('.')));
  if (!parsed.success) {
    const known = parsed.error.issues.some((issue) => issue.code === 'unrecognized_keys') ? knownKeys(schema) : new Set<string>();
    for (const issue of parsed.error.issues.flatMap(formIssues))
      if (!explained.has(issue.path.map(String).join('.')))
        problems.push(source.problem(issue.path, describeIssue(issue, known, valueAt(value, issue.path) === undefined)));
  }
  if (problems.length > 0) {
    throw new UserError(`${source.file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { exitCode: ExitCode.badInput, problems });
  }
  return (parsed as { data: z.output<S> }).data;
}

/**
 * Issues as a person needs them. A value that fits none of a field's forms is told what is wrong with the form it was written
 * in: when exactly one form took its type and shape (the others refused it outright: another type,
 * keys of another form), that form's own problems are the ones to show, at their own fields.
 */
function formIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  // A key a record refuses: what is wrong with the key, at the key.
  if (issue.code === 'invalid_key') return issue.issues.map((inner) => ({ ...inner, path: issue.path }) as z.core.$ZodIssue);
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const fitting = issue.errors.filter((branch) => !refusedOutright(branch));
  if (fitting.length !== 1) return [issue];
  return fitting[0]!.flatMap((inner) => formIssues({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue));
}

/** A form's issues say the value is not of its kind at all: another type, keys of another form, or none of its own forms' types. */
function refusedOutright(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.some(
    (inner) =>
      inner.path.length === 0 &&
      (inner.code === 'invalid_type' || inner.code === 'unrecognized_keys' || (inner.code === 'invalid_union' && inner.errors.every(refusedOutright))),
  );
}

/** The value at `path` of what was read, undefined where the file does not have it. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce((node: unknown, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), value);
}

/** One issue in words; `absent`: the file does not have the field at all. */
function describeIssue(issue: z.core.$ZodIssue, known: ReadonlySet<string>, absent: boolean): string {
  if (issue.code === 'unrecognized_keys') {
    // A misspelt key names the one meant: `unknown key "rte" (did you mean "rate"?)`.
    const described = issue.keys.map((key) => {
      const meant = nearestKey(key, known);
      return meant ? `"${key}" (did you mean "${meant}"?)` : `"${key}"`;
    });
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${described.join(', ')}`;
  }
  if (absent && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    const purpose = REQUIRED_FIELDS[issue.path.map(String).join('.')];
    return purpose ? `required: ${purpose}` : 'required (see docs/load-runs.md for this field)';
  }
  if (issue.code === 'invalid_union') return 'not one of the accepted forms (see docs/load-runs.md for this field)';
  // zod's own wording ("Invalid input: expected string, received number") told plainly.
  const type = /^Invalid input: expected (\w+), received (\w+)$/.exec(issue.message);
  if (type) return `expected ${article(type[1]!)}, found ${article(type[2]!)}`;
  return issue.message;
}

const article = (type: string) =>
  ({ object: 'a mapping (key: value lines)', array: 'a list', string: 'text', number: 'a number', boolean: 'true or false' })[type] ?? type;

/** What each field a scenario cannot do without is for, with an example: what a missing one says. */
const REQUIRED_FIELDS: Record<string, string> = {
  name: 'names the run and its report folder, e.g. name: peak',
  target: 'where the load goes, e.g. target: { url: mock } or { url: https://api.example.com, token: "${HAPTIK_TOKEN}", clientId: "${HAPTIK_CLIENT_ID}" }',
  'target.url': 'the built-in mock or your server, e.g. url: mock or url: https://api.example.com',
  users: 'the users whose auth_id each message carries, e.g. users: { file: data/users.csv }',
  messages: 'the texts users send, e.g. messages: { file: data/messages.csv } or messages: { inline: ["hi"] }',
  phases: 'what load to send, e.g. phases: [ { name: peak, duration: 60s, rate: 500 } ]',
};
