import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EmbedLimits } from './embed-limits.ts';
import { pageData } from './page-data.ts';
import type { TimelineView } from './timeline-view.ts';

// The page's modules, in an order where each comes after what it imports. A file page must be
// one inline script, so they are joined into one scope: their import lines dropped, `export` removed.
const SCRIPTS = ['page-model.js', 'causal-view.js', 'diagram.js', 'diagram-arrows.js', 'diagram-events.js', 'panels.js', 'details.js', 'main.js'];
const asset = (name: string): string => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');

function unmodule(name: string): string {
  const text = asset(name).replace(/^import \{[^}]*\} from '\.\/[\w-]+\.js';\n/gm, '').replace(/^export (?=(?:function|const|class) )/gm, '');
  if (/^(?:import|export)\b/m.test(text)) throw new Error(`page/${name}: only single-line named imports of sibling files and exported declarations can be joined`);
  return text;
}
const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** JSON safe inside a script element: no `</script>`, no `<!--`, no line separators JavaScript would trip on. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * One self-contained page: the data as inert JSON, the script and style inline and allowed by
 * their hashes alone. The policy forbids everything else (remote loads, inline handlers, eval,
 * forms, plugins), so content from the trace can only ever be text.
 */
export function timelineHtml(view: TimelineView, limits: EmbedLimits, title: string): string {
  const script = `(() => {\n'use strict';\n${SCRIPTS.map(unmodule).join('\n')}\n})();\n`;
  const style = asset('timeline.css');
  const policy = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(style)}; img-src 'none'; connect-src 'none'; font-src 'none'; ` +
    `object-src 'none'; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>specwatch timeline: ${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<header><h1 id="title"></h1><p id="facts"></p><div id="alert-kinds"></div><p id="notes"></p></header>
<div id="toolbar">
<form id="filter-form"><label>Filter <input id="filter" placeholder="id = 1" autocomplete="off" spellcheck="false"></label> <button type="submit">apply</button> <button type="button" id="show-all">show all</button></form>
<span id="filter-status"></span>
<button type="button" id="clear-selection">clear selection</button>
<span class="legend"><span class="swatch past"></span>causal past<span class="swatch future"></span>causal future<span class="swatch focus"></span>alert history<span class="swatch alert"></span>raised an alert</span>
</div>
<main>
<section id="diagram"><div id="lane-heads"><div id="lane-strip"></div></div><div id="stage"><canvas id="canvas"></canvas><div id="scroller"><div id="spacer"></div></div></div></section>
<aside><h2>Alerts</h2><ol id="alert-list"></ol><h2>Selection</h2><div id="detail-body"></div></aside>
</main>
<noscript><p>This timeline is drawn by its inline script: allow JavaScript for this file.</p></noscript>
<script type="application/json" id="timeline-data">${embedJson(pageData(view, limits, title))}</script>
<script>${script}</script>
</body>
</html>
`;
}
