// A bench target in its own process, on 127.0.0.1: `canned` answers at once with a fixed 200,
// `raw` likewise but without node:http (see rawResponder.ts), `delay` after a fixed time, `stall`
// like delay but holds every answer during one pause. The node:http modes record when each
// request arrived (wall-clock ms) and their own service times, and report them
// over IPC when asked ({ kind: 'report' }); it exits when its parent disconnects. A canned server
// for throughput only is started with `record: false`: over many runs the records would grow by
// millions of entries and slow the later runs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PREFLIGHT_MESSAGE } from '../run/preflight.ts';
import { startRawResponder } from './rawResponder.ts';

export type BenchServerMode =
  | { kind: 'canned'; record?: boolean }
  | { kind: 'raw' }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'stall'; delayMs: number; stallAfterMs: number; stallForMs: number }
  /** A server of known capacity: `slots` requests in service at once for `serviceMs` each, the rest queued FIFO (capacity slots / serviceMs). */
  | { kind: 'slots'; slots: number; serviceMs: number };

/** What the server saw, sent back on request. */
export interface BenchServerReport {
  arrivalsMs: number[];
  serviceMs: number[];
  firstArrivalEpochMs: number | null;
}

const mode = JSON.parse(process.argv[2] ?? '{"kind":"canned"}') as BenchServerMode;
// The answer a real provider gives (unique id, current time, the text echoed), built as cheaply
// as possible: both the harness and its peers get the same bytes.
const ANSWER_HEAD = '{"message_id":';
const ANSWER_TAIL = ',"message_body":"Hi, I need help with my order","message_type":0,"created_at":"';
let nextId = 1;
function answerBody(): Buffer {
  return Buffer.from(`${ANSWER_HEAD}${nextId++}${ANSWER_TAIL}${new Date().toISOString()}"}`);
}

let recording = mode.kind !== 'canned' || mode.record !== false;
let arrivalsMs: number[] = [];
let serviceMs: number[] = [];
let firstArrivalEpochMs: number | null = null;
let firstLoadArrivalMs: number | null = null;
const slotFreeAtMs: number[] = mode.kind === 'slots' ? new Array<number>(mode.slots).fill(0) : [];

const server =
  mode.kind === 'raw'
    ? undefined
    : createServer((req, res) => {
        const arrivedMs = performance.now();
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          // Preflight requests are not load: they are neither timed nor counted.
          const isPreflight = chunks.length > 0 && Buffer.concat(chunks).includes(PREFLIGHT_MESSAGE);
          if (!isPreflight && recording) {
            firstArrivalEpochMs ??= performance.timeOrigin + arrivedMs;
            firstLoadArrivalMs ??= arrivedMs;
            arrivalsMs.push(performance.timeOrigin + arrivedMs);
          }
          const answer = () => {
            const body = answerBody();
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
            res.end(body);
            if (!isPreflight && recording) serviceMs.push(performance.now() - arrivedMs);
          };
          if (mode.kind === 'canned') return answer();
          if (mode.kind === 'slots') {
            // Completion times are computed, not waited for one after another: timer lateness never adds up.
            let first = 0;
            for (let i = 1; i < slotFreeAtMs.length; i++) if (slotFreeAtMs[i]! < slotFreeAtMs[first]!) first = i;
            const doneMs = Math.max(arrivedMs, slotFreeAtMs[first]!) + mode.serviceMs;
            slotFreeAtMs[first] = doneMs;
            return void setTimeout(answer, doneMs - performance.now());
          }
          let waitMs = mode.delayMs;
          if (mode.kind === 'stall' && firstLoadArrivalMs !== null) {
            // Every answer due inside the pause waits until it ends.
            const stallStartMs = firstLoadArrivalMs + mode.stallAfterMs;
            const stallEndMs = stallStartMs + mode.stallForMs;
            const dueMs = arrivedMs + waitMs;
            if (dueMs >= stallStartMs && dueMs < stallEndMs) waitMs = stallEndMs - arrivedMs;
          }
          setTimeout(answer, waitMs);
        });
      });
const announce = (port: number) => process.send!({ kind: 'listening', port });
if (server) {
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
} else {
  startRawResponder(answerBody, announce);
}
process.on('message', (message: { kind: string }) => {
  if (message.kind === 'report') {
    const report: BenchServerReport = { arrivalsMs, serviceMs, firstArrivalEpochMs };
    process.send!({ kind: 'report', report });
  }
  if (message.kind === 'reset') {
    arrivalsMs = [];
    serviceMs = [];
    firstArrivalEpochMs = null;
    firstLoadArrivalMs = null;
    recording = true;
    process.send!({ kind: 'reset' });
  }
});
process.on('disconnect', () => process.exit(0));
