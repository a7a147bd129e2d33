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
<td class="num">${opened === 0 ? '-' : (stats.requests.sent / opened).toFixed(1)}</td>${cell(c?.connectMs?.p50)}${cell(c?.connectMs?.p99)}${tls ? html`${cell(c?.tlsHandshakeMs?.p50)}${cell(c?.tlsHandshakeMs?.p99)}` : ''}${cell(c?.firstByteMs?.p50)}${cell(c?.firstByteMs?.p99)}</tr>`;
  });
  return html`<section id="connections"><h2>Connections</h2>
<p class="note">New connections each phase opened, and what opening them took: TCP connect${tls ? ', then the TLS handshake' : ''}. First byte is each answer's wait from when its request went out on an open connection to its first byte: the server's time plus the wire's. A request's latency includes its connection's opening when it was the first on it. Few requests per connection means many connections opened: a storm of handshakes is what a launch-day load balancer meets.</p>
<table><thead><tr><th>phase</th><th class="num">opened</th><th class="num">requests each</th><th class="num">connect p50</th><th class="num">connect p99</th>${tls ? html`<th class="num">TLS p50</th><th class="num">TLS p99</th>` : ''}<th class="num">first byte p50</th><th class="num">first byte p99</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
