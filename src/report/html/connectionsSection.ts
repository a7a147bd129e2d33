import { formatCount, latencyColumnFormat } from '../format.ts';
import type { ResultStats, RunResult } from '../resultModel.ts';
import { html } from './escape.ts';
import type { Html } from './escape.ts';

/**
 * The connections each phase opened and what opening them cost: TCP connect and TLS handshake
 * times (as k6's http_req_connecting and http_req_tls_handshaking), and requests per connection.
 */
export function connectionsSection(result: RunResult): Html {
  const overall = result.overall.connections;
  if (!overall || overall.opened === 0) return html``;
  const scopes: [string, ResultStats][] = [
    ...result.phases.filter((phase) => phase.ran).map((phase): [string, ResultStats] => [phase.name, phase]),
    ['overall', result.overall],
  ];
  const tls = overall.tlsHandshakeMs !== null;
  const resumed = overall.resumed > 0;
  const latency = latencyColumnFormat(
    scopes.flatMap(([, stats]) =>
      [
        stats.connections?.connectMs?.p50,
        stats.connections?.connectMs?.p99,
        stats.connections?.tlsHandshakeMs?.p99,
        stats.connections?.firstByteMs?.p99,
      ].filter((ms) => ms !== undefined),
    ),
  );
  const cell = (ms: number | undefined) => html`<td class="num">${ms === undefined ? '-' : latency(ms)}</td>`;
  const rows = scopes.map(([name, stats]) => {
    const c = stats.connections;
    const opened = c?.opened ?? 0;
    return html`<tr${name === 'overall' ? html` class="total"` : ''}><th scope="row">${name}</th><td class="num">${formatCount(opened)}</td>
<td class="num">${opened === 0 ? '-' : (stats.requests.sent / opened).toFixed(1)}</td>${resumed ? html`<td class="num">${formatCount(c?.resumed ?? 0)}</td>` : ''}${cell(c?.connectMs?.p50)}${cell(c?.connectMs?.p99)}${tls ? html`${cell(c?.tlsHandshakeMs?.p50)}${cell(c?.tlsHandshakeMs?.p99)}` : ''}${cell(c?.firstByteMs?.p50)}${cell(c?.firstByteMs?.p99)}</tr>`;
  });
  // A chart only where connections come and go: a pool opened once at the start is one spike.
  const secondsWithNew = result.timeline.filter((second) => second.connectionsOpened > 0).length;
  const chart =
    secondsWithNew > 1
      ? html`<figure><figcaption>New connections <span>per second: each a TCP connect${tls ? ' and a TLS handshake' : ''}</span></figcaption><div class="chart" id="chart-connections"></div></figure>`
      : '';
  return html`<section id="connections"><h2>Connections</h2>${chart}
<p class="note">New connections each phase opened, and what opening them took: TCP connect${tls ? ', then the TLS handshake' : ''}. First byte is each answer's wait from when its request went out on an open connection to its first byte: the server's time plus the wire's. A request's latency includes its connection's opening when it was the first on it. Few requests per connection means many connections opened: a storm of handshakes is what a launch-day load balancer meets.</p>
<table><thead><tr><th>phase</th><th class="num">opened</th><th class="num">requests each</th>${resumed ? html`<th class="num">TLS resumed</th>` : ''}<th class="num">connect p50</th><th class="num">connect p99</th>${tls ? html`<th class="num">TLS p50</th><th class="num">TLS p99</th>` : ''}<th class="num">first byte p50</th><th class="num">first byte p99</th></tr></thead><tbody>${rows}</tbody></table>${failedLine(overall.failed)}${closedLine(overall.closedByServer)}${conversationsTable(result)}</section>`;
}

function failedLine(failed: Record<string, number>): Html | string {
  const kinds = Object.entries(failed).filter(([, count]) => count > 0);
  if (kinds.length === 0) return '';
  return html`<p class="note">Connections that failed to open: ${kinds.map(([kind, count], i) => html`${i > 0 ? ', ' : ''}<strong>${kind}</strong> ${formatCount(count)}`)}.</p>`;
}

function closedLine(closedByServer: number): Html | string {
  if (closedByServer === 0) return '';
  return html`<p class="note">${formatCount(closedByServer)} open connections were closed by the server while idle (its keep-alive timeout, or a proxy's or load balancer's): each costs the next request a new connection.</p>`;
}

/** Each conversations phase: how its conversations went, and how long the completed ones took. */
function conversationsTable(result: RunResult): Html | string {
  const phases = result.phases.filter((phase) => phase.ran && phase.conversations);
  if (phases.length === 0) return '';
  const durations = latencyColumnFormat(
    phases.flatMap((phase) => [phase.conversations!.durationMs?.p50, phase.conversations!.durationMs?.p99].filter((ms) => ms !== undefined)),
  );
  const rows = phases.map((phase) => {
    const c = phase.conversations!;
    const plan = phase.plan.conversations;
    const notStarted = c.notStarted.connectionLimit + c.notStarted.feedStarved;
    return html`<tr><th scope="row">${phase.name}</th><td>${plan ? `messages ${plan.messages}; think ${plan.thinkTime}; ${plan.connection === 'own' ? 'own connection' : 'pooled'}` : ''}</td><td class="num">${formatCount(c.started)}</td><td class="num">${formatCount(c.completed)}</td><td class="num">${formatCount(c.abandoned)}</td><td class="num">${formatCount(c.cut)}</td><td class="num">${formatCount(notStarted)}</td><td class="num">${c.messagesPerConversation === null ? '-' : c.messagesPerConversation.toFixed(1)}</td><td class="num">${c.durationMs ? durations(c.durationMs.p50) : '-'}</td><td class="num">${c.durationMs ? durations(c.durationMs.p99) : '-'}</td></tr>`;
  });
  return html`<h3>Conversations</h3>
<p class="note">Each conversation is one user sending its messages in turn, each a think time after the previous answer. Completed: all its messages sent; abandoned: it gave up after a failed message (onError: abandon); cut: gracefulStop (or the end of the run) came before its last message; not started: no connection was free (maxConnections, <code>ulimit -n</code>) or no user row was ready. Duration: from its scheduled start to its last answer, of the completed ones.</p>
<div class="scroll"><table class="compact"><thead><tr><th>phase</th><th>plan</th><th class="num">started</th><th class="num">completed</th><th class="num">abandoned</th><th class="num">cut</th><th class="num">not started</th><th class="num">messages each</th><th class="num">duration p50</th><th class="num">duration p99</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
