import { formatCount, formatShare } from '../format.ts';
import type { RunResult } from '../resultModel.ts';
import { html } from './escape.ts';
import type { Html } from './escape.ts';

/**
 * Where the connections went, when that is a question: a name with several addresses (did every
 * node behind the load balancer get its share?), a proxy, or chosen local addresses.
 */
export function networkSection(result: RunResult): Html {
  const network = result.target.network;
  if (!network || (network.addresses.length < 2 && !network.proxy && !network.localAddresses)) return html``;
  const totalRequests = network.addresses.reduce((sum, use) => sum + use.requests, 0);
  const rows = network.addresses.map((use) => {
    const share = totalRequests === 0 ? 0 : use.requests / totalRequests;
    return html`<tr><th scope="row"><code>${use.address}</code></th><td class="num">${formatCount(use.connections)}</td><td class="num">${formatCount(use.requests)}</td>
<td class="num">${formatShare(share)}</td><td class="bar-cell"><span class="bar" style="width:${(share * 100).toFixed(1)}%"></span></td></tr>`;
  });
  const route = [
    network.proxy ? html`Every request went through the proxy <code>${network.proxy}</code>, whose own time is part of every latency.` : '',
    network.localAddresses ? html`Connections left from ${network.localAddresses} local addresses in turn.` : '',
    html`The resolver was asked ${formatCount(network.dnsQueries)} times during the load (names pinned by <code>target.resolve</code> ask none).`,
  ];
  return html`<section id="network"><h2>Where the connections went</h2>
<p class="note">${route}</p>
<table><thead><tr><th>address</th><th class="num">connections</th><th class="num">requests</th><th class="num">share</th><th></th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
