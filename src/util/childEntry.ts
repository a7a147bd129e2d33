import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

// Set (to true) only in the bundle the test suite builds (test/fixtures/cliBundle.ts).
declare const __HARNESS_BUNDLE__: boolean | undefined;
const BUNDLED = typeof __HARNESS_BUNDLE__ !== 'undefined' && __HARNESS_BUNDLE__;

/** What `fork` needs to start one of the harness's own entry points in a child process. */
export interface ChildEntry {
  file: string;
  execArgv: string[];
}

/**
 * The child entry whose TypeScript source is `source` (e.g. `new URL('./workerMain.ts',
 * import.meta.url)`): run through tsx from source, or, inside the bundle, the bundled entry of the
 * same name beside this code (every bundled file lies in one folder), with the bundle's V8 code
 * cache preloaded (test/fixtures/codeCache.cjs) instead of a loader.
 */
export function childEntry(source: URL): ChildEntry {
  if (BUNDLED)
    return { file: `${import.meta.dirname}/${basename(fileURLToPath(source), '.ts')}.cjs`, execArgv: ['--require', `${import.meta.dirname}/codeCache.cjs`] };
  return { file: fileURLToPath(source), execArgv: ['--import', import.meta.resolve('tsx')] };
}
