import { ConnectionPool } from './connectionPool.ts';
import type { PoolTarget, RequestOutcome } from './connectionPool.ts';

/**
 * Through a plain-HTTP proxy, the body follows the head this long after (or never, when the proxy
 * answers first): tinyproxy answers 407 and closes with the body unread, and the reset that
 * follows erased its answer (the run then said "reset" instead of "the proxy wants credentials").
 */
const HOLD_BODY_THROUGH_PROXY_MS = 250;

/**
 * Sends one request on a connection of its own, exactly as the load will (same client, TLS
 * settings and limits), and resolves with its outcome. Rejects with the signal's reason when
 * interrupted; the connection is closed either way.
 */
export function sendOne(target: PoolTarget, body: string | Buffer, interrupt?: AbortSignal): Promise<RequestOutcome> {
  return new Promise((resolve, reject) => {
    if (interrupt?.aborted) return reject(interrupt.reason);
    const onInterrupt = () => {
      pool.close();
      reject(interrupt!.reason);
    };
    const pool = new ConnectionPool<null>({
      target,
      maxConnections: 1,
      holdBodyThroughProxyMs: HOLD_BODY_THROUGH_PROXY_MS,
      onOutcome: (_request, outcome) => {
        interrupt?.removeEventListener('abort', onInterrupt);
        pool.close();
        resolve(outcome);
      },
      onFree: () => {},
    });
    interrupt?.addEventListener('abort', onInterrupt, { once: true });
    pool.send(body, null);
  });
}
