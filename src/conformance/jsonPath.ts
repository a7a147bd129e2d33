/** One step of a Pact matching-rule path: a field, an array index, or a wildcard (`*`). */
export type PathToken = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'star' };

/** A concrete position inside a JSON value: field names and array indices from the root. */
export type ConcretePath = readonly (string | number)[];

const TOKEN = /^(?:\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]|\[\*\])/;

/** Parses `$.a.b[0]['c d'][*].*` into tokens; undefined when it is not such a path. */
export function parseRulePath(path: string): PathToken[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const tokens: PathToken[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = TOKEN.exec(rest);
    if (!match) return undefined;
    const [whole, dotted, quoted, index] = match;
    if (dotted !== undefined) tokens.push(dotted === '*' ? { kind: 'star' } : { kind: 'field', name: dotted });
    else if (quoted !== undefined) tokens.push({ kind: 'field', name: quoted.replace(/\\(.)/g, '$1') });
    else if (index !== undefined) tokens.push({ kind: 'index', index: Number(index) });
    else tokens.push({ kind: 'star' });
    rest = rest.slice(whole.length);
  }
  return tokens;
}

/** Whether a rule path names exactly this position (wildcards match any field or index). */
export function pathMatches(pattern: readonly PathToken[], path: ConcretePath): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((token, i) => {
    const step = path[i]!;
    if (token.kind === 'star') return true;
    return token.kind === 'field' ? step === token.name : step === token.index;
  });
}

/** Pact's weighting: exact steps outrank wildcards, so the most specific rule wins. */
export function pathWeight(pattern: readonly PathToken[]): number {
  return pattern.reduce((weight, token) => weight * (token.kind === 'star' ? 1 : 2), 1);
}

/** `$.a[0].b` for messages. */
export function formatPath(path: ConcretePath): string {
  return `$${path.map((step) => (typeof step === 'number' ? `[${step}]` : /^[A-Za-z_][\w-]*$/.test(step) ? `.${step}` : `['${step}']`)).join('')}`;
}
