import type { Sample } from '../engine/types.ts';
import { IdLedger } from './idLedger.ts';
import type { StoredIdLedger } from './idLedger.ts';
import { INGESTION_RULES, IngestionChecks } from './ingestionChecks.ts';
import { contentEncodingOf, decodeContentEncoding } from './contentEncoding.ts';
import { headerPairs } from './headerCheck.ts';
import { ReceivedBody } from './responseContract.ts';
import type { ResponseContract, Violation } from './responseContract.ts';

export const MAX_EXAMPLES = 5;
/** Answers kept whole (headers and bytes) for Pact's reference verifier to judge again after the run: the first of each kind of pact violation. */
export const MAX_REPLAYS = 20;
/**
 * Responses are not checked as they arrive but together, once the event loop has handled the
 * I/O of its turn (setImmediate): the next requests are written first, so the checks run while
 * the target works on them, and back to back they keep their code in the CPU caches (the gain is
 * in docs/performance.md, row C). More than MAX_PENDING waiting are checked at once. Anything that
 * reads the counts checks what is pending first, so counts are always exact.
 */
const MAX_PENDING = 1024;
const EXCERPT_CHARS = 200;
/** Which violations come from the ingestion checks rather than the pact. */
const INGESTION_RULE_NAMES: ReadonlySet<string> = new Set(INGESTION_RULES);

/** An answer that broke a pact rule, as it was received: replayed through the reference verifier after the run. */
export interface ReplayableAnswer {
  /** `rule path` of the violation it is the first example of. */
  kind: string;
  status: number;
  /** The status whose interactions it is judged against: its own, or (a status the pact has none for) the one the request expected. */
  judgedAs: number;
  headers: [string, string][];
  body: Buffer;
}

/** Contract conformance of one scope (a phase or the whole run), plain data. */
export interface ContractScopeSnapshot {
  /**
   * Responses checked against the pact (all, or the `sample` share): against the interaction for
   * their status, and an answer whose status the pact has no interaction for breaks it (rule
   * `status`), unless the users CSV expects that status (those are in noInteraction).
   */
  checked: number;
  /** Checked responses with at least one violation. */
  count: number;
  rate: number;
  /** Each failed rule at each path, counted once per response it failed in. */
  byKind: { rule: string; path: string; source: 'pact' | 'ingestion'; count: number }[];
  /** Responses taken for checking whose status the pact has no interaction for but their user's row expects, by status (not counted in `checked`). */
  noInteraction: Record<string, number>;
  /** Responses taken for checking that came compressed, by Content-Encoding (`gzip`, `br`...): they are checked decoded. */
  contentEncodings: Record<string, number>;
  /** The first response of each kind, redacted: message texts are replaced by their length. */
  examples: { status: number; rule: string; path: string; expected: string; actual: string; bodyExcerpt: string }[];
}

export interface ContractRecorderOptions {
  /** Share of responses to check, 0..1 (checked evenly: every 1/share-th). */
  sampleShare: number;
  clockSkewMs: number;
  timeOriginMs: number;
  /** Keep the ids seen first, for a merge with other generators of the run (see IdLedger). */
  keepIdLedger?: boolean;
  /** A compressed body larger than this once decoded breaks the contract (target.maxBodyBytes; 1 MiB when unset). */
  maxDecodedBytes?: number;
}

class ScopeCounts {
  checked = 0;
  count = 0;
  readonly byKind = new Map<string, ContractScopeSnapshot['byKind'][number]>();
  readonly noInteraction = new Map<number, number>();
  readonly contentEncodings = new Map<string, number>();
  readonly examples = new Map<string, ContractScopeSnapshot['examples'][number]>();

  /** Counts a checked response's violations; `onNewPactKind` hears of the first of each kind of pact violation. */
  record(status: number, violations: readonly Violation[], bodyText: string, onNewPactKind?: (kind: string) => void): void {
    if (violations.length === 0) return;
    this.count++;
    for (const violation of violations) {
      const key = `${violation.rule} ${violation.path}`;
      const known = this.byKind.get(key);
      if (known) known.count++;
      else {
        const source = INGESTION_RULE_NAMES.has(violation.rule) ? 'ingestion' : 'pact';
        this.byKind.set(key, { rule: violation.rule, path: violation.path, source, count: 1 });
        if (source === 'pact') onNewPactKind?.(key);
      }
      if (!this.examples.has(key) && this.examples.size < MAX_EXAMPLES)
        this.examples.set(key, { status, ...violation, bodyExcerpt: redactedExcerpt(bodyText) });
    }
  }

  snapshot(): ContractScopeSnapshot {
    return {
      checked: this.checked,
      count: this.count,
      rate: this.checked === 0 ? 0 : this.count / this.checked,
      byKind: [...this.byKind.values()].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)),
      noInteraction: Object.fromEntries([...this.noInteraction].sort((a, b) => a[0] - b[0]).map(([status, count]) => [String(status), count])),
      contentEncodings: Object.fromEntries([...this.contentEncodings].sort((a, b) => a[0].localeCompare(b[0]))),
      examples: [...this.examples.values()],
    };
  }
}

const EMPTY_BODY = Buffer.alloc(0);

/** Checks responses against the pact and the ingestion rules as they arrive; counts per phase and overall. */
export class ContractRecorder {
  readonly #contract: ResponseContract;
  readonly #ingestion: IngestionChecks;
  readonly #sampleShare: number;
  readonly #maxDecodedBytes: number;
  readonly #overall = new ScopeCounts();
  readonly #phases: ScopeCounts[];
  /** Samples taken for checking and not checked yet (see MAX_PENDING). */
  readonly #pending: Sample[] = [];
  readonly #replays = new Map<string, ReplayableAnswer>();
  readonly #idLedger: IdLedger | undefined;
  #flushScheduled = false;
  #credit = 0;

  constructor(contract: ResponseContract, phaseCount: number, options: ContractRecorderOptions) {
    this.#contract = contract;
    this.#ingestion = new IngestionChecks(options);
    this.#sampleShare = options.sampleShare;
    this.#maxDecodedBytes = options.maxDecodedBytes ?? 1024 * 1024;
    this.#phases = Array.from({ length: phaseCount }, () => new ScopeCounts());
    this.#idLedger = options.keepIdLedger ? new IdLedger(phaseCount) : undefined;
  }

  /** Responses with at least one violation so far (for the live line). */
  get violatingResponses(): number {
    this.#flush();
    return this.#overall.count;
  }

  /** The engine's samples go here; transport failures have no response to check. */
  observe = (sample: Sample): void => {
    if (sample.error || sample.status === 0) return;
    this.#credit += this.#sampleShare;
    if (this.#credit < 1) return;
    this.#credit -= 1;
    this.#pending.push(sample);
    if (this.#pending.length >= MAX_PENDING) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushAfterIo);
    }
  };

  readonly #flushAfterIo = (): void => {
    this.#flushScheduled = false;
    this.#flush();
  };

  #flush(): void {
    for (const sample of this.#pending) this.#check(sample);
    this.#pending.length = 0;
  }

  #check(sample: Sample): void {
    const phase = this.#phases[sample.phaseIndex]!;
    const headers = sample.responseHeaders ?? [];
    // A compressed answer is checked as its consumer reads it: decoded, as Pact's reference verifier does.
    const encoding = contentEncodingOf(headers);
    const decoded = encoding === null ? undefined : decodeContentEncoding(encoding, sample.responseBody ?? EMPTY_BODY, this.#maxDecodedBytes);
    if (encoding !== null) {
      for (const scope of [this.#overall, phase]) scope.contentEncodings.set(encoding, (scope.contentEncodings.get(encoding) ?? 0) + 1);
    }
    const body = new ReceivedBody(decoded === undefined ? (sample.responseBody ?? EMPTY_BODY) : 'problem' in decoded ? EMPTY_BODY : decoded.body);
    const checked = this.#contract.check(sample.status, headers, body);
    if (checked === 'noInteraction' && sample.request.expectedStatus === sample.status) {
      for (const scope of [this.#overall, phase]) scope.noInteraction.set(sample.status, (scope.noInteraction.get(sample.status) ?? 0) + 1);
      return;
    }
    // A status the pact says nothing of is an answer the consumer cannot read: it breaks the contract.
    // So does a body its Content-Encoding does not decode.
    const result =
      checked === 'noInteraction'
        ? this.#unknownStatus(sample.status)
        : decoded !== undefined && 'problem' in decoded
          ? [{ rule: 'contentEncoding', path: '$', expected: `a body that ${decoded.encoding} decodes`, actual: decoded.problem }]
          : checked;
    this.#overall.checked++;
    phase.checked++;
    if (sample.status === 200) {
      this.#ingestion.check({ body, sentMessageBody: sample.request.messageBody, sentMs: sample.sentMs, doneMs: sample.doneMs }, result);
      const newId = this.#ingestion.newId;
      if (this.#idLedger && newId !== undefined) this.#idLedger.record(sample.phaseIndex, newId, result.length > 0);
    }
    if (result.length === 0) return;
    this.#sampleBeingChecked = sample;
    this.#overall.record(sample.status, result, body.text, this.#keepForReplay);
    phase.record(sample.status, result, body.text);
  }

  readonly #unknownStatusViolations = new Map<number, Violation[]>();

  /** The one violation of an answer whose status has no interaction in the pact (kept per status: few distinct ones). */
  #unknownStatus(status: number): Violation[] {
    let violations = this.#unknownStatusViolations.get(status);
    if (!violations) {
      const statuses = this.#contract.statuses.join(', ');
      violations = [{ rule: 'status', path: '$', expected: `a status the pact has an interaction for (${statuses})`, actual: String(status) }];
      this.#unknownStatusViolations.set(status, violations);
    }
    return violations;
  }

  #sampleBeingChecked: Sample | undefined;
  // One function for every check (a closure per response costs on the hot path).
  readonly #keepForReplay = (kind: string): void => {
    const sample = this.#sampleBeingChecked!;
    if (this.#replays.size >= MAX_REPLAYS) return;
    // An answer whose status has no interaction is judged against those of the status its request expected.
    const judgedAs = this.#contract.hasInteractionFor(sample.status) ? sample.status : (sample.request.expectedStatus ?? this.#successStatus);
    this.#replays.set(kind, {
      kind,
      status: sample.status,
      judgedAs,
      headers: headerPairs(sample.responseHeaders ?? []),
      body: sample.responseBody ?? EMPTY_BODY,
    });
  };

  /** The status the pact gives a message that is logged: its 2xx interaction's (200 when it has none). */
  get #successStatus(): number {
    return this.#contract.statuses.find((status) => status >= 200 && status < 300) ?? 200;
  }

  /** The first answer of each kind of pact violation, whole, for the reference verifier. */
  replayableAnswers(): ReplayableAnswer[] {
    this.#flush();
    return [...this.#replays.values()];
  }

  /** The ids seen first, by phase; null unless asked for (`keepIdLedger`). */
  idLedger(): StoredIdLedger | null {
    this.#flush();
    return this.#idLedger?.toStored() ?? null;
  }

  /**
   * A phase's responses that broke the contract, and its violations by kind, as checked so far:
   * without checking the batch waiting (live figures may lag it; the final ones do not).
   */
  liveViolations(phaseIndex: number): { responses: number; byKind: Iterable<ContractScopeSnapshot['byKind'][number]> } {
    const phase = this.#phases[phaseIndex]!;
    return { responses: phase.count, byKind: phase.byKind.values() };
  }

  snapshot(): { overall: ContractScopeSnapshot; phases: ContractScopeSnapshot[] } {
    this.#flush();
    return { overall: this.#overall.snapshot(), phases: this.#phases.map((phase) => phase.snapshot()) };
  }
}

/** A body excerpt safe to keep in a report: every `message_body` text becomes its length. */
function redactedExcerpt(bodyText: string): string {
  const redacted = bodyText.replace(
    /("message_body"\s*:\s*)"((?:[^"\\]|\\.)*)"/g,
    (_whole, key: string, text: string) => `${key}"[redacted: ${text.length} chars]"`,
  );
  return redacted.length > EXCERPT_CHARS ? `${redacted.slice(0, EXCERPT_CHARS)}...` : redacted;
}
