import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The scenarios shipped in scenarios/, each with its description line: what `load` without a file offers. */
export function shippedScenarios(dir = 'scenarios'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.yml'))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const description = /^description:\s*(.+)$/m.exec(readFileSync(join(dir, name), 'utf8'))?.[1]?.trim();
    return `npm run load -- ${join(dir, name)}${description ? `    ${description}` : ''}`;
  });
}
