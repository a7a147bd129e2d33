import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection, now. V8 only offers it with --expose-gc; turning the flag on at run
 * time and taking `gc` from a fresh context is the usual way to get it without changing how
 * Node is started. Where that fails, nothing is done (the collection then happens when V8 wants).
 */
export function collectGarbageNow(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
