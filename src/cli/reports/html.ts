/**
 * `--html`: one self-contained page (no network, no files beside it). A table gives every
 * scenario's outcome; each failure gets its kind, its wait-for cycle, a timeline picture of the
 * minimised schedule (see timeline.ts), the token and the reproduce line with copy buttons, and
 * the full text report.
 *
 * Everything from user code is escaped; a Content-Security-Policy with a per-page nonce also
 * forbids any script but the page's own, so even a markup bug could not run injected code.
 */
import { randomBytes } from 'node:crypto';
import { writeAtomic } from '../corpus.js';
import type { FailureRecord, FuzzSummary, ScenarioSummary } from '../summary.js';
import { escapeMarkup as esc } from './escape.js';
import { endState, timelineSvg } from './timeline.js';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d232a; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: #57606a; margin-bottom: 16px; }
table { border-collapse: collapse; } th, td { padding: 4px 12px 4px 0; text-align: left; border-bottom: 1px solid #e1e4e8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-weight: 600; font-size: 12px; }
.passed { background: #dafbe1; color: #116329; } .failed { background: #ffebe9; color: #a40e26; }
.failure { border: 1px solid #e1e4e8; border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
.scroll { overflow-x: auto; border: 1px solid #eef0f2; border-radius: 4px; margin: 8px 0; }
code, pre { font: 12px/1.4 ui-monospace, monospace; } pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
.copyrow { display: flex; gap: 8px; align-items: center; margin: 4px 0; } .copyrow code { background: #f6f8fa; padding: 2px 6px; word-break: break-all; }
button { font: 12px system-ui, sans-serif; cursor: pointer; }
 .headline { font: 13px/1.4 ui-monospace, monospace; margin: 4px 0; }
.cycletext { color: #a40e26; font-weight: 600; }
svg.timeline text { font: 10px ui-monospace, monospace; text-anchor: middle; fill: #1d232a; }
svg.timeline text.name { text-anchor: end; font-size: 12px; font-weight: 600; }
svg.timeline text.target { fill: #0550ae; } svg.timeline text.note, svg.timeline text.stepno { fill: #8c959f; text-anchor: start; }
svg.timeline text.stepno { text-anchor: middle; }
svg.timeline line.axis { stroke: #d0d7de; stroke-width: 2; } svg.timeline line.step { stroke: #f0f2f4; }
svg.timeline circle { fill: #0969da; stroke: #fff; stroke-width: 1.5; }
svg.timeline .op-start circle, svg.timeline .op-end circle, svg.timeline .op-spawn circle { fill: #8c959f; }
svg.timeline rect.blocked { fill: #f0b849; opacity: .75; } svg.timeline rect.stuck { fill: #f0b849; }
svg.timeline .cycle circle { fill: #cf222e; } svg.timeline rect.cycle { fill: #cf222e; opacity: .8; }
svg.timeline .lane.cycle text.name { fill: #cf222e; }
.legend span { margin-right: 14px; color: #57606a; } .legend .l-blocked { color: #b07d10; } .legend .l-cycle { color: #cf222e; } .legend .l-target { color: #0550ae; }
`;

// Copy buttons: the text of the element named by data-copy. Clipboard API where allowed, else
// a selection the user copies by hand.
const SCRIPT = `
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (button === null) return;
  const source = document.getElementById(button.getAttribute('data-copy'));
  if (source === null) return;
  const done = () => { button.textContent = 'copied'; setTimeout(() => { button.textContent = 'copy'; }, 1500); };
  const select = () => { const range = document.createRange(); range.selectNodeContents(source); const s = getSelection(); s.removeAllRanges(); s.addRange(range); button.textContent = 'selected'; };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(source.textContent).then(done, select);
  else select();
});
`;

function copyRow(label: string, id: string, text: string): string {
  return `<div class="copyrow"><span>${label}</span><code id="${id}">${esc(text)}</code><button type="button" data-copy="${id}">copy</button></div>`;
}

function failureBlock(s: ScenarioSummary, f: FailureRecord, n: number, k: number): string {
  const end = endState(f.message);
  const cycle = end.cycleTasks.length > 0 ? `<p class="cycletext">wait-for cycle: ${esc(f.message.split('\n').find((l) => l.startsWith('  wait-for cycle: '))!.slice(18))}</p>` : '';
  const headline = f.message.split('\n').slice(1).find((l) => l.trim() !== '') ?? '';
  const origin = f.source === 'corpus' ? 'replayed from the corpus' : `found with seed ${esc(f.seed ?? '')}`;
  return `<div class="failure" id="f${n}-${k}">
<h3>${esc(f.kind)} <small>(${origin}; ${f.steps} steps, ${f.preemptions} preemption${f.preemptions === 1 ? '' : 's'}${f.minimized ? ', minimised' : ''})</small></h3>
<p class="headline">${esc(headline)}</p>
${cycle}
<div class="legend"><span>● step</span><span class="l-blocked">▬ blocked</span>${cycle === '' ? '' : '<span class="l-cycle">● ▬ wait-for cycle</span>'}<span class="l-target">object touched</span></div>
<div class="scroll">${timelineSvg(f.trace, end)}</div>
${copyRow('token', `tok${n}-${k}`, f.token)}
${copyRow('reproduce', `rep${n}-${k}`, f.reproduce)}
<details><summary>full report</summary><pre>${esc(f.message)}</pre></details>
</div>`;
}

function row(s: ScenarioSummary, n: number): string {
  const name = s.outcome === 'failed' ? `<a href="#s${n}">${esc(s.id)}</a>` : esc(s.id);
  const fixed = s.fixed.length > 0 ? `${s.fixed.length} fixed` : '';
  return `<tr><td>${name}</td><td><span class="badge ${s.outcome}">${s.outcome}</span></td><td class="num">${s.runs}</td><td class="num">${s.distinct}</td><td class="num">${s.failures.length}</td><td>${fixed}</td></tr>`;
}

/**
 * Renders the summary as one HTML page.
 *
 * @example
 * ```ts
 * writeFileSync('fuzz.html', htmlReport(summary));
 * ```
 */
export function htmlReport(summary: FuzzSummary): string {
  const nonce = randomBytes(16).toString('base64');
  const failed = summary.scenarios.filter((s) => s.outcome === 'failed');
  const sections = summary.scenarios
    .map((s, n) => (s.outcome === 'failed' ? `<h2 id="s${n}">${esc(s.id)}</h2>\n${s.failures.map((f, k) => failureBlock(s, f, n, k)).join('\n')}` : ''))
    .filter((x) => x !== '');
  const meta = [
    `interleaved ${esc(summary.version)}`,
    `seed ${esc(summary.seed)}`,
    `strategy ${esc(summary.strategy)}`,
    `shard ${summary.shard.index}/${summary.shard.count}`,
    `${summary.workers} worker${summary.workers === 1 ? '' : 's'}`,
    `${summary.schedules} schedules in ${(summary.elapsedMs / 1000).toFixed(1)} s (${Math.round(summary.schedulesPerSecond)}/s)`,
    summary.interrupted ? 'interrupted' : '',
  ].filter((m) => m !== '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'">
<title>interleaved fuzz: ${failed.length === 0 ? 'no failure' : `${failed.length} failing scenario${failed.length === 1 ? '' : 's'}`}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<h1>interleaved fuzz report</h1>
<div class="meta">${meta.join(' · ')}</div>
<table>
<thead><tr><th>scenario</th><th>outcome</th><th>schedules</th><th>distinct</th><th>failures</th><th></th></tr></thead>
<tbody>
${summary.scenarios.map(row).join('\n')}
</tbody>
</table>
${sections.join('\n')}
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Writes the HTML report.
 *
 * @example
 * ```ts
 * writeHtml('fuzz.html', summary);
 * ```
 */
export function writeHtml(path: string, summary: FuzzSummary): void {
  writeAtomic(path, htmlReport(summary));
}
