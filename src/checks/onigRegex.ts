// Pact's reference engine reads a `regex` rule with Oniguruma in its Ruby syntax (pact_matching
// uses the onig crate) and accepts a value when the expression matches all of it. This translates
// such an expression into a JavaScript one with the same meaning, or says precisely what cannot be
// translated. Measured against the reference (test/checks/agreement): `^` and `$` are line
// anchors, `.` is anything but \n, (?m) lets `.` match \n too, \d \w \s \b are Unicode's, (?i) and
// (?x) work to the end of their group or inside (?i:...), POSIX brackets, \h, \A, \z, \Z, \R.

/** The JavaScript source and flags of a whole-value match, or why the expression cannot be read as the reference reads it. */
export type TranslatedRegex = { source: string; flags: string } | { problem: string };

interface Flags {
  ignoreCase: boolean;
  dotAll: boolean;
  extended: boolean;
}

const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
const SPACE = '\\p{White_Space}';
const HEX = '0-9A-Fa-f';

/** Escapes of one letter and what each is inside a class (`[...]` content) and outside. */
const CLASS_ESCAPES: Record<string, { inClass: string; outside: string } | undefined> = {
  d: { inClass: '\\p{Nd}', outside: '\\p{Nd}' },
  D: { inClass: '\\P{Nd}', outside: '\\P{Nd}' },
  w: { inClass: WORD, outside: `[${WORD}]` },
  W: { inClass: '', outside: `[^${WORD}]` },
  s: { inClass: SPACE, outside: SPACE },
  S: { inClass: '\\P{White_Space}', outside: '\\P{White_Space}' },
  h: { inClass: HEX, outside: `[${HEX}]` },
  H: { inClass: '', outside: `[^${HEX}]` },
};

/** POSIX bracket names as Oniguruma reads them for Unicode text. */
const POSIX: Record<string, string | undefined> = {
  alpha: '\\p{Alphabetic}',
  digit: '\\p{Nd}',
  alnum: '\\p{Alphabetic}\\p{Nd}',
  upper: '\\p{Uppercase}',
  lower: '\\p{Lowercase}',
  space: SPACE,
  word: WORD,
  xdigit: HEX,
  cntrl: '\\p{Cc}',
  blank: '\\p{Zs}\\t',
  punct: '\\p{P}$+<=>^`|~',
};

/** `\p{Name}` as JavaScript writes it (a general category, binary property or script), or undefined. */
function unicodeProperty(name: string, negated: boolean): string | undefined {
  const letter = negated ? 'P' : 'p';
  for (const candidate of [name, `Script=${name}`]) {
    try {
      new RegExp(`\\p{${candidate}}`, 'u');
      return `\\${letter}{${candidate}}`;
    } catch {
      // not this spelling
    }
  }
  return undefined;
}

const CONTROL_ESCAPES: Record<string, string> = { t: '\\t', n: '\\n', r: '\\r', f: '\\f', v: '\\v', a: '\\x07', e: '\\x1b' };

/** A literal character outside a class, escaped where a JavaScript pattern with the `u` flag needs it (and only there: it refuses other escapes). */
function literal(char: string): string {
  return '^$\\.*+?()[]{}|/'.includes(char) ? `\\${char}` : char;
}

/** A literal character inside a class. */
function classLiteral(char: string): string {
  return '\\]^[-'.includes(char) ? `\\${char}` : char;
}

/** The character and its other cases, as class content, when case is ignored there. */
function caseVariants(char: string): string {
  const variants = new Set([char, char.toLowerCase(), char.toUpperCase()].filter((c) => [...c].length === 1));
  return [...variants].map(classLiteral).join('');
}

/** Characters whose case folding is more than one character (ß and SS): JavaScript's `i` flag folds them differently. */
function foldsToMany(char: string): boolean {
  return [...char.toUpperCase()].length > 1 || [...char.toLowerCase()].length > 1;
}

/** Translates an Oniguruma (Ruby syntax) expression into a JavaScript one that matches the whole value exactly when the reference would. */
export function translateOnigRegex(pattern: string): TranslatedRegex {
  const chars = [...pattern];
  // Whether case is ignored everywhere (then the `i` flag does it) or only in parts (then letters are expanded).
  const caseEverywhere = /^\(\?[imx]*i[imx]*\)/.test(pattern) && !/\(\?[imx]*-[imx]*i/.test(pattern);
  let out = '';
  let i = 0;
  let groups = 0;
  const stack: Flags[] = [];
  let flags: Flags = { ignoreCase: false, dotAll: false, extended: false };
  const fail = (what: string): TranslatedRegex => ({ problem: `regex ${JSON.stringify(pattern)}: ${what}` });
  if (/\(\?[imx-]*i/.test(pattern) && chars.some(foldsToMany)) return fail('ignores case of a letter that folds to several (ß and kin): not translated');

  /** Reads `{...}` at i as a quantifier; returns its JavaScript text, or undefined when Oniguruma reads the brace as a literal. */
  const quantifier = (): string | undefined => {
    const rest = chars.slice(i).join('');
    const match = /^\{(\d*)(?:(,)(\d*))?\}/.exec(rest);
    if (!match || (match[1] === '' && (match[2] === undefined || match[3] === ''))) return undefined;
    i += [...match[0]].length;
    return match[2] === undefined ? `{${match[1]}}` : `{${match[1] || '0'},${match[3]}}`;
  };

  let braceQuantified = false;
  while (i < chars.length) {
    const char = chars[i]!;
    braceQuantified = false;
    if (flags.extended && /\s/.test(char)) {
      i++;
      continue;
    }
    if (flags.extended && char === '#') {
      while (i < chars.length && chars[i] !== '\n') i++;
      continue;
    }
    switch (char) {
      case '\\': {
        const next = chars[i + 1];
        if (next === undefined) return fail('ends with a lone backslash');
        i += 2;
        const escaped = escapeOutside(next);
        if ('problem' in escaped) return fail(escaped.problem);
        out += escaped.text;
        break;
      }
      case '[': {
        const cls = readClass();
        if ('problem' in cls) return fail(cls.problem);
        out += cls.text;
        break;
      }
      case '(': {
        const rest = chars.slice(i).join('');
        const comment = /^\(\?#[^)]*\)/.exec(rest);
        if (comment) {
          i += [...comment[0]].length;
          break;
        }
        const inline = /^\(\?([imx]*)(?:-([imx]*))?(:|\))/.exec(rest);
        if (inline && (inline[1] !== '' || inline[2] !== undefined)) {
          const changed = { ...flags };
          for (const f of inline[1]!) setFlag(changed, f, true);
          for (const f of inline[2] ?? '') setFlag(changed, f, false);
          i += inline[0].length;
          if (inline[3] === ')') flags = changed;
          else {
            stack.push(flags);
            flags = changed;
            out += '(?:';
          }
          break;
        }
        const group = /^\((\?:|\?=|\?!|\?<=|\?<!|\?<([A-Za-z_]\w*)>|\?'([A-Za-z_]\w*)')?/.exec(rest)!;
        if (rest.startsWith('(?') && group[1] === undefined) {
          return fail(
            `the group "${rest.slice(0, 4)}..." is not read the same way here (atomic groups, conditionals, absent operators and (?P<...>) are not translated)`,
          );
        }
        if (group[1] === undefined || group[2] !== undefined || group[3] !== undefined) groups++;
        out += group[3] !== undefined ? `(?<${group[3]}>` : group[0];
        i += group[0].length;
        stack.push(flags);
        break;
      }
      case ')':
        if (stack.length === 0) return fail('has an unmatched ")"');
        flags = stack.pop()!;
        out += ')';
        i++;
        break;
      case '.':
        out += flags.dotAll ? '[\\s\\S]' : '[^\\n]';
        i++;
        break;
      case '^':
        out += '(?<![^\\n])';
        i++;
        break;
      case '$':
        out += '(?![^\\n])';
        i++;
        break;
      case '{': {
        const q = quantifier();
        out += q ?? '\\{';
        if (q === undefined) i++;
        braceQuantified = q !== undefined;
        break;
      }
      case '*':
      case '+':
      case '?': {
        out += char;
        i++;
        if (chars[i] === '+') return fail('uses a possessive quantifier (not translated)');
        if (chars[i] === '?') {
          out += '?';
          i++;
        }
        break;
      }
      case '|':
        out += '|';
        i++;
        break;
      default:
        out += letterCase(char);
        i++;
    }
    // `{n,m}+` would be possessive in other syntaxes: not translated.
    if (braceQuantified && chars[i] === '+') return fail('uses a quantifier followed by + (not translated)');
  }
  if (stack.length > 0) return fail('has an unclosed "("');
  return { source: out, flags: caseEverywhere ? 'iu' : 'u' };

  function setFlag(target: Flags, f: string, on: boolean): void {
    if (f === 'i') target.ignoreCase = on;
    else if (f === 'm') target.dotAll = on;
    else if (f === 'x') target.extended = on;
  }

  /** A literal outside a class, expanded to its cases where case is ignored in part of the expression only. */
  function letterCase(char: string): string {
    if (!flags.ignoreCase || caseEverywhere || char.toLowerCase() === char.toUpperCase()) return literal(char);
    return `[${caseVariants(char)}]`;
  }

  function escapeOutside(next: string): { text: string } | { problem: string } {
    const known = CLASS_ESCAPES[next];
    if (known) return { text: known.outside };
    if (next in CONTROL_ESCAPES) return { text: CONTROL_ESCAPES[next]! };
    switch (next) {
      case 'A':
        return { text: '(?<![\\s\\S])' };
      case 'z':
        return { text: '(?![\\s\\S])' };
      case 'Z':
        return { text: '(?=\\n?(?![\\s\\S]))' };
      case 'b':
        return { text: `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))` };
      case 'B':
        return { text: `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))` };
      case 'R':
        return { text: '(?:\\r\\n|[\\n\\v\\f\\r\\x85\\u2028\\u2029])' };
      case 'p':
      case 'P':
        return property(next);
      case 'k': {
        const name = /^<([A-Za-z_]\w*)>/.exec(chars.slice(i).join(''));
        if (!name) return { problem: 'uses \\k without <name>' };
        i += name[0].length;
        return { text: `\\k<${name[1]}>` };
      }
    }
    const code = codeEscape(next);
    if (code !== undefined) return 'problem' in code ? code : { text: flags.ignoreCase && !caseEverywhere ? letterCase(code.char) : literal(code.char) };
    if (/[1-9]/.test(next)) {
      let digits = next;
      while (/\d/.test(chars[i] ?? '')) digits += chars[i++];
      if (Number(digits) > groups) {
        // Not a group yet: Oniguruma reads up to three octal digits as a character.
        if (/^[0-7]{2,3}$/.test(digits)) return { text: literal(String.fromCodePoint(Number.parseInt(digits, 8))) };
        return { problem: `\\${digits} refers to a group that does not come before it` };
      }
      return { text: `\\${digits}` };
    }
    if (/[A-Za-z0-9]/.test(next)) return { problem: `the escape \\${next} is not translated` };
    return { text: literal(next) };
  }

  /** `\p{...}` or `\P{...}` (with `^` inside negating too) at i, after the letter. */
  function property(letter: string): { text: string } | { problem: string } {
    const braced = /^\{(\^?)([A-Za-z_][\w=]*)\}/.exec(chars.slice(i).join(''));
    if (!braced) return { problem: `uses \\${letter} without {name} (not translated)` };
    i += braced[0].length;
    const text = unicodeProperty(braced[2]!, (letter === 'P') !== (braced[1] === '^'));
    return text === undefined ? { problem: `uses the property \\${letter}{${braced[2]}} (not translated)` } : { text };
  }

  /** \x41, \x{41}, \u0041, \0nn, \cA: the character meant, or undefined when `next` starts no such escape. */
  function codeEscape(next: string): { char: string } | { problem: string } | undefined {
    const rest = chars.slice(i).join('');
    if (next === 'x') {
      const braced = /^\{([0-9A-Fa-f]{1,8})\}/.exec(rest);
      const plain = /^[0-9A-Fa-f]{1,2}/.exec(rest);
      const hex = braced?.[1] ?? plain?.[0];
      if (hex === undefined) return { problem: 'uses \\x without hex digits' };
      i += (braced?.[0] ?? plain![0]).length;
      const code = Number.parseInt(hex, 16);
      return code > 0x10ffff ? { problem: `\\x{${hex}} is past Unicode` } : { char: String.fromCodePoint(code) };
    }
    if (next === 'u') {
      const hex = /^[0-9A-Fa-f]{4}/.exec(rest);
      if (!hex) return { problem: 'uses \\u without four hex digits' };
      i += 4;
      return { char: String.fromCodePoint(Number.parseInt(hex[0], 16)) };
    }
    if (next === '0') {
      const octal = /^[0-7]{0,2}/.exec(rest)![0];
      i += octal.length;
      return { char: String.fromCodePoint(Number.parseInt(`0${octal}`, 8)) };
    }
    if (next === 'c') {
      const letter = chars[i];
      if (letter === undefined || !/[A-Za-z]/.test(letter)) return { problem: 'uses \\c without a letter' };
      i++;
      return { char: String.fromCodePoint(letter.toUpperCase().charCodeAt(0) % 32) };
    }
    return undefined;
  }

  /** Reads a class `[...]` starting at i (Oniguruma: a `]` first is literal; POSIX brackets; no nesting or && here). */
  function readClass(): { text: string } | { problem: string } {
    i++;
    let negated = false;
    if (chars[i] === '^') {
      negated = true;
      i++;
    }
    let body = '';
    let first = true;
    let onlyNegatedPosix: string | undefined;
    let items = 0;
    while (i < chars.length && (chars[i] !== ']' || first)) {
      first = false;
      const char = chars[i]!;
      items++;
      if (char === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(chars.slice(i).join(''));
        if (!posix) return { problem: 'has a class inside a class (set operations are not translated)' };
        const set = POSIX[posix[2]!];
        if (set === undefined) return { problem: `uses the POSIX class [:${posix[2]}:] (not translated)` };
        i += posix[0].length;
        if (posix[1] === '^') onlyNegatedPosix = set;
        else body += set;
        continue;
      }
      if (char === '&' && chars[i + 1] === '&') return { problem: 'intersects classes with && (not translated)' };
      if (char === '\\') {
        const next = chars[i + 1];
        if (next === undefined) return { problem: 'ends inside a class' };
        i += 2;
        const known = CLASS_ESCAPES[next];
        if (known) {
          if (known.inClass === '') return { problem: `uses \\${next} inside a class (not translated)` };
          body += known.inClass;
          continue;
        }
        if (next in CONTROL_ESCAPES) {
          body += CONTROL_ESCAPES[next];
          continue;
        }
        if (next === 'p' || next === 'P') {
          const found = property(next);
          if ('problem' in found) return found;
          body += found.text;
          continue;
        }
        const code = codeEscape(next);
        if (code !== undefined) {
          if ('problem' in code) return code;
          body += classChar(code.char);
          // An escaped character can start a range (\x41-\x5a).
          if (chars[i] === '-' && chars[i + 1] !== ']' && !(flags.ignoreCase && !caseEverywhere)) {
            body += '-';
            i++;
            items++;
          }
          continue;
        }
        if (/[A-Za-z0-9]/.test(next)) return { problem: `the escape \\${next} inside a class is not translated` };
        body += classLiteral(next);
        continue;
      }
      const to = chars[i + 2];
      if (chars[i + 1] === '-' && to !== undefined && to !== ']' && to !== '\\' && to !== '[') {
        i += 3;
        if (flags.ignoreCase && !caseEverywhere && (char.toLowerCase() !== char.toUpperCase() || to.toLowerCase() !== to.toUpperCase())) {
          if (!/^[a-z]$/.test(char) || !/^[a-z]$/.test(to))
            return { problem: 'ignores case of a class range in part of the expression (only lower-case ASCII letter ranges are translated)' };
          body += `${char}-${to}${char.toUpperCase()}-${to.toUpperCase()}`;
        } else body += `${classLiteral(char)}-${classLiteral(to)}`;
        continue;
      }
      body += classChar(char);
      i++;
    }
    if (chars[i] !== ']') return { problem: 'has an unclosed "["' };
    i++;
    if (onlyNegatedPosix !== undefined) {
      if (items !== 1) return { problem: 'mixes a negated POSIX class with other items (not translated)' };
      return { text: `[${negated ? '' : '^'}${onlyNegatedPosix}]` };
    }
    return { text: `[${negated ? '^' : ''}${body}]` };
  }

  function classChar(char: string): string {
    return flags.ignoreCase && !caseEverywhere && char.toLowerCase() !== char.toUpperCase() ? caseVariants(char) : classLiteral(char);
  }
}
