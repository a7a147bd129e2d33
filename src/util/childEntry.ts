import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How the bundle the test suite builds starts its entries (test/fixtures/cliBundle.ts defines it there, and only there). */
interface BundleLayout {
  /** Each entry's file is its source's name with this extension, in the bundle's one folder. */
  extension: string;
  /** The file every bundled process preloads (`--require`), in the same folder. */
  preload: string;
}
declare const __HARNESS_BUNDLE__: BundleLayout | undefined;
const BUNDLE = typeof __HARNESS_BUNDLE__ !== 'undefined' ? __HARNESS_BUNDLE__ : undefined;

/** What `fork` needs to start one of the harness's own entry points in a child process. */
export interface ChildEntry {
  file: string;
  execArgv: string[];
}

/**
 * The child entry whose TypeScript source is `source` (e.g. `new URL('./workerMain.ts',
 * import.meta.url)`): run through tsx from source, or, inside the bundle, the bundled entry of the
 * same name beside this code (every bundled file lies in one folder), with the file the bundle
 * preloads (its V8 code cache) instead of a loader.
 */
export function childEntry(source: URL): ChildEntry {
  if (BUNDLE) {
    const name = basename(fileURLToPath(source), '.ts');
    return { file: `${import.meta.dirname}/${name}${BUNDLE.extension}`, execArgv: ['--require', `${import.meta.dirname}/${BUNDLE.preload}`] };
  }
  return { file: fileURLToPath(source), execArgv: ['--import', import.meta.resolve('tsx')] };
}
