import { createHash } from 'node:crypto';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` are written as
 * \u escapes so no value (a server's error body, say) can close the block or open a tag.
 */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A template tag that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<td>${untrusted}</td>\`` escapes `untrusted`; nested `html` fragments pass through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/**
 * The start of a page of ours, to its <body>: the policy of `scripts` (offlinePagePolicy), a page
 * that scales on a phone, no referrer, its title and its styles inlined.
 */
export function offlinePageHead(title: string, scripts: readonly string[], styles: readonly string[]): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${offlinePagePolicy(scripts)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
${styles.map((style) => html`<style>${new Html(style)}</style>\n`)}</head>
<body>`;
}

/**
 * The Content-Security-Policy of a page that works offline: no network at all, and only the
 * inlined `scripts` run (allowed by their hashes). A script holding "</script" or "<!--" would end
 * its element early once inlined: that is refused here, before a page is written.
 */
export function offlinePagePolicy(scripts: readonly string[]): string {
  for (const source of scripts) if (/<\/script|<!--/i.test(source)) throw new Error('an inlined script contains "</script" or "<!--"');
  const hashes = scripts.map((source) => `'sha256-${createHash('sha256').update(source).digest('base64')}'`);
  return `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
}
