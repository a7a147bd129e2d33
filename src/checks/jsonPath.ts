/** One step of a Pact matching-rule path: a field, an array index, any field or index (`*`), or any index (`[*]`). */
export type PathToken = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'star' } | { kind: 'starIndex' };

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
    else tokens.push({ kind: 'starIndex' });
    rest = rest.slice(whole.length);
  }
  return tokens;
}

/**
 * How well a rule path fits a position, as the reference weighs it (pact_models' path_weight): 0
 * when it does not match the start of the position's path; else the product of its steps'
 * weights (2 for a named field or index, 1 for a wildcard, the root counting 2) times its length.
 * A rule applies to every position below its path; the highest score wins.
 */
export function ruleScore(pattern: readonly PathToken[], path: ConcretePath): number {
  if (pattern.length > path.length) return 0;
  let weight = 2;
  for (let i = 0; i < pattern.length; i++) {
    const token = pattern[i]!;
    const step = path[i]!;
    switch (token.kind) {
      case 'field':
        if (String(step) !== token.name) return 0;
        weight *= 2;
        break;
      case 'index':
        if (String(step) !== String(token.index)) return 0;
        weight *= 2;
        break;
      case 'starIndex':
        if (typeof step !== 'number' && !/^\d+$/.test(step)) return 0;
        break;
      case 'star':
        break;
    }
  }
  return weight * (pattern.length + 1);
}

/** `$.a[0].b` for messages. */
export function formatPath(path: ConcretePath): string {
  return `$${path.map((step) => (typeof step === 'number' ? `[${step}]` : /^[A-Za-z_][\w-]*$/.test(step) ? `.${step}` : `['${step}']`)).join('')}`;
}
