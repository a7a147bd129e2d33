import { describeOutput } from '../outputs/outputsResult.ts';
import { ERROR_KINDS } from '../metrics/outcome.ts';
import type { Comparison } from './compare.ts';
import {
  COMPARED_METRIC_LABELS,
  formatChange,
  formatComparedValue,
  formatDurationMs,
  formatShare,
  latencyColumnFormat,
  latencyFigureText,
  thresholdActualText,
  thresholdLabel,
  shareColumnFormat,
} from './format.ts';
import type { PhaseResult, ResultStats, RunResult } from './resultModel.ts';
import type { Verdict } from './verdict.ts';
import { describeTrial } from './capacityText.ts';

/** The end-of-run summary: the whole verdict and its reasons first, thresholds, then an aligned table per phase and overall. */
export function formatSummary(result: RunResult, verdict: Verdict, files: Record<string, string> = {}): string {
  const lines: string[] = [];
  const scale = result.durationScale === 1 ? '' : `  (duration scale ×${result.durationScale})`;
  lines.push('', `${verdict.word}  ${result.scenario.name} against ${result.target.url}${scale}  exit ${verdict.exitCode}`);
  for (const reason of verdict.reasons) lines.push(`  - ${reason}`);
  lines.push('');
  if (result.thresholds.length > 0) {
    for (const t of result.thresholds) {
      const mark = t.passed === null ? 'n/a ' : t.passed ? 'ok  ' : 'FAIL';
      const actual = t.actual === null ? thresholdActualText(t) : `actual ${thresholdActualText(t)}`;
      lines.push(`  ${mark}  ${thresholdLabel(t)}   ${actual}`);
    }
    lines.push('');
  }
  const header = ['phase', 'model', 'target/s', 'achieved/s', 'sent', 'dropped', 'errors', 'p50', 'p90', 'p99', 'p99.9', 'max'];
  lines.push(...table([header, ...rows([...result.phases.map((phase): [string, PhaseResult] => [phase.name, phase]), ['overall', result.overall]])]));
  lines.push(
    '',
    `  latency is measured from the scheduled send (coordinated-omission free), a request with no answer counting as ∞; service time p99 ${latencyFigureText(result.overall.serviceLatencyMs.p99, result.overall.requests.scheduled)}`,
  );
  const statuses = Object.entries(result.overall.statusCounts).map(([status, count]) => `${status}: ${count}`);
  const transport = ERROR_KINDS.filter((kind) => result.overall.errors[kind] > 0).map((kind) => `${kind}: ${result.overall.errors[kind]}`);
  lines.push(`  statuses ${statuses.join(', ') || 'none'}${transport.length ? `; transport errors ${transport.join(', ')}` : ''}`);
  const connections = result.overall.connections;
  if (connections && connections.opened > 0) {
    const times = (label: string, summary: NonNullable<typeof connections.connectMs> | null) =>
      summary ? `; ${label} p50 ${formatDurationMs(summary.p50)}, p99 ${formatDurationMs(summary.p99)}` : '';
    const perConnection = result.overall.requests.sent / connections.opened;
    const resumed =
      (connections.resumed > 0 ? `, ${connections.resumed} TLS sessions resumed` : '') +
      (connections.closedByServer > 0 ? `, ${connections.closedByServer} closed by the server while idle` : '');
    lines.push(
      `  connections ${connections.opened} opened (${perConnection.toFixed(perConnection < 10 ? 1 : 0)} requests each${resumed})${times('connect', connections.connectMs)}${times('TLS handshake', connections.tlsHandshakeMs)}${times('first byte', connections.firstByteMs)}`,
    );
  }
  const failedConnections = Object.entries(connections?.failed ?? {}).map(([kind, count]) => `${kind}: ${count}`);
  if (failedConnections.length > 0) lines.push(`  connections that failed to open: ${failedConnections.join(', ')}`);
  for (const phase of result.phases) if (phase.conversations) lines.push(`  ${conversationsLine(phase.name, phase.conversations)}`);
  const network = result.target.network;
  // Where connections went, when that is a question: several addresses, a proxy, or chosen local addresses.
  if (network && (network.addresses.length > 1 || network.proxy || network.localAddresses)) {
    const shown = network.addresses.slice(0, 8).map((use) => `${use.address} ${use.connections} conn / ${use.requests} req`);
    const more = network.addresses.length > 8 ? `, and ${network.addresses.length - 8} more` : '';
    lines.push(`  addresses ${shown.join(', ')}${more}; resolver asked ${network.dnsQueries} times`);
  }
  for (const e of result.overall.errorExamples) if (e.error && e.reason) lines.push(`    ${e.error} (${e.count}): ${e.reason}`);
  if (result.overall.errors.localLimit > 0)
    lines.push(
      '  localLimit: this machine ran out of file descriptors or ports; raise `ulimit -n`, spread connections over more source addresses (target.localAddresses), or use fewer connections',
    );
  for (const phase of result.phases) {
    if (!phase.capacity) continue;
    lines.push(`  capacity search ${phase.name}, trial by trial:`);
    let step = 0;
    for (const trial of phase.capacity.trials) lines.push(`    ${describeTrial(trial, trial.role === 'trial' ? ++step : step)}`);
  }
  if (result.target.trustStore) lines.push(`  TLS certificates verified against ${result.target.trustStore}`);
  for (const report of result.outputs.prometheus) lines.push(`  ${describeOutput(report)}; run_id ${result.runId}`);
  const expected = Object.entries(result.overall.expectedOutcomes);
  if (expected.length > 0) lines.push(`  expected outcomes (not errors): ${expected.map(([status, count]) => `${status}: ${count}`).join(', ')}`);
  const contract = result.overall.contractViolations;
  if (contract) {
    const kinds = contract.byKind.map((kind) => `${kind.rule} ${kind.path}: ${kind.count}`).join(', ');
    lines.push(`  contract: ${contract.count} of ${contract.checked} checked responses broke it (${formatShare(contract.rate)})${kinds ? `; ${kinds}` : ''}`);
    const encodings = Object.entries(contract.contentEncodings).map(([encoding, count]) => `${encoding}: ${count}`);
    if (encodings.length > 0) lines.push(`  compressed answers, checked decoded: ${encodings.join(', ')}`);
    const reference = result.contract?.reference;
    if (reference?.unavailable) lines.push(`  Pact's reference verifier could not be asked about the broken answers: ${reference.unavailable}`);
    else if (reference) {
      lines.push(`  Pact's reference verifier, replaying the first answer of each kind: ${reference.confirmed} of ${reference.replayed} confirmed broken`);
      for (const kind of reference.disputed) lines.push(`  DISPUTED: ${kind}: the reference verifier passes the answer our check failed`);
    }
  } else lines.push('  contract: not checked (contract: false)');
  if (result.serverSide)
    lines.push(
      `  server side (mock): service time p50 ${formatDurationMs(result.serverSide.serviceTimeMs.p50)}, p99 ${formatDurationMs(result.serverSide.serviceTimeMs.p99)}`,
    );
  for (const [role, path] of Object.entries(files)) lines.push(`  ${role.padEnd(8)} ${path}`);
  lines.push('');
  return lines.join('\n');
}

function rows(scopes: [string, ResultStats | PhaseResult][]): string[][] {
  const measured = scopes.map(([, stats]) => stats).filter((stats) => stats.requests.completed > 0);
  const latencyFormats = LATENCY_COLUMNS.map((stat) => latencyColumnFormat(measured.map((m) => m.latencyMs[stat])));
  const errorFormat = shareColumnFormat(scopes.map(([, stats]) => stats.errorRate));
  return scopes.map(([name, stats]) => {
    const model = 'kind' in stats && stats.kind === 'conversations' ? 'convs' : 'model' in stats ? stats.model : '';
    if ('ran' in stats && !stats.ran) return [name, model, 'not run', ...Array<string>(9).fill('-')];
    return [
      name,
      model,
      stats.targetRate === null ? '-' : stats.targetRate.toFixed(1),
      stats.achievedRate.toFixed(1),
      String(stats.requests.sent),
      String(stats.requests.dropped),
      errorFormat(stats.errorRate),
      ...LATENCY_COLUMNS.map((stat, i) => latencyFigureText(stats.latencyMs[stat], stats.requests.scheduled, latencyFormats[i]!)),
    ];
  });
}

const LATENCY_COLUMNS = ['p50', 'p90', 'p99', 'p999', 'max'] as const;

/** `conversations chats: 200 started, 198 completed, 2 abandoned, 0 cut; 4.0 messages each; duration p50 3.9s, p99 4.2s`. */
function conversationsLine(phase: string, c: NonNullable<ResultStats['conversations']>): string {
  const notStarted = c.notStarted.connectionLimit + c.notStarted.feedStarved;
  const skipped =
    notStarted === 0
      ? ''
      : `; ${notStarted} not started (${[
          c.notStarted.connectionLimit > 0 ? `${c.notStarted.connectionLimit} at the connection limit: maxConnections or ulimit -n` : '',
          c.notStarted.feedStarved > 0 ? `${c.notStarted.feedStarved} with no user row ready` : '',
        ]
          .filter(Boolean)
          .join(', ')})`;
  const messages = c.messagesPerConversation === null ? '' : `; ${c.messagesPerConversation.toFixed(1)} messages each`;
  const duration = c.durationMs ? `; duration p50 ${formatDurationMs(c.durationMs.p50)}, p99 ${formatDurationMs(c.durationMs.p99)}` : '';
  return `conversations ${phase}: ${c.started} started, ${c.completed} completed, ${c.abandoned} abandoned, ${c.cut} cut${skipped}${messages}${duration}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((r) => r[column]!.length)));
  // Names left-aligned, figures right-aligned.
  return rows.map((r) => `  ${r.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`);
}

/** The baseline comparison in a few lines: verdict, then every regressed metric. */
export function formatComparison(comparison: Comparison): string {
  const regressed = comparison.rows.filter((row) => row.regressed);
  const lines = [
    `${comparison.regressed ? 'REGRESSED' : 'NO REGRESSION'}  against ${comparison.baseline.scenario} of ${comparison.baseline.startedAt} (tolerance ${formatShare(comparison.tolerance)})`,
  ];
  for (const row of regressed) {
    const show = (value: number | null) => formatComparedValue(row.metric, value);
    lines.push(
      `  ${row.scope.padEnd(10)} ${COMPARED_METRIC_LABELS[row.metric].padEnd(13)} ${show(row.baseline)} -> ${show(row.current)} (${formatChange(row.change)})`,
    );
  }
  if (comparison.unmatchedPhases.length > 0) lines.push(`  not compared (phase in one run only): ${comparison.unmatchedPhases.join(', ')}`);
  for (const warning of comparison.warnings) lines.push(`  WARNING: ${warning}`);
  return `${lines.join('\n')}\n`;
}
