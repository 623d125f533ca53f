/** GET /: a small page that calls the API and animates the recursion step by step (SSE). */
export const DEMO_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>trm-edge: Tiny Recursive Model on the edge</title>
<style>
 body{font:15px/1.4 system-ui,sans-serif;max-width:880px;margin:2em auto;padding:0 1em;color:#222}
 h1{font-size:1.4em} .row{display:flex;gap:2em;flex-wrap:wrap} textarea{font:14px monospace;width:100%;height:8em}
 table.sudoku{border-collapse:collapse;margin:.5em 0} table.sudoku td{width:1.8em;height:1.8em;text-align:center;border:1px solid #bbb;font:16px monospace}
 table.sudoku td.given{font-weight:bold} table.sudoku tr:nth-child(3n) td{border-bottom:2px solid #333} table.sudoku td:nth-child(3n){border-right:2px solid #333}
 pre.maze{font:14px/1 monospace;letter-spacing:.2em;background:#f6f6f6;padding:.5em;display:inline-block}
 #status{margin:.5em 0;color:#555} button{font-size:1em;padding:.3em 1em} .ok{color:#080} .bad{color:#b00}
</style></head><body>
<h1>trm-edge</h1>
<p>A Tiny Recursive Model (arXiv 2510.04871) solving puzzles with TensorFlow.js (SIMD WebAssembly) inside this Worker.
Each supervision step refines the answer; the page shows them as they stream in. API: <a href="/openapi.json">/openapi.json</a>, <a href="/v1/models">/v1/models</a>.</p>
<div class="row"><div style="flex:1;min-width:280px">
 <label>Task <select id="task"><option value="sudoku">Sudoku</option><option value="maze">Maze</option></select></label>
 <label>Mode <select id="mode"><option value="q">stop when confident (fast)</option><option value="never">every step (official evaluation)</option><option value="tries">8 shuffled copies, stop when one verifies (strongest)</option></select></label>
 <textarea id="puzzle"></textarea>
 <button id="go">Solve</button> <span id="status"></span>
</div><div id="board" style="flex:1;min-width:280px"></div></div>
<script>
const examples = {
 sudoku: '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..',
 maze: ['## #     #','# ###G #  ','#       ##','     ###  ','   ### # #','## # #   #',' #     #  ','##     #  ','    ##  S#','# #  #    '].join('\\n')
};
const $ = (id) => document.getElementById(id);
const show = (task, puzzle, solution) => {
 if (task === 'sudoku') {
  const p = puzzle.replace(/\\s/g, ''), s = (solution || p).replace(/\\s/g, '');
  let h = '<table class="sudoku">';
  for (let r = 0; r < 9; r++) { h += '<tr>'; for (let c = 0; c < 9; c++) { const i = r * 9 + c, g = p[i] !== '.' && p[i] !== '0'; h += '<td class="' + (g ? 'given' : '') + '">' + (s[i] === '.' ? '' : s[i]) + '</td>'; } h += '</tr>'; }
  $('board').innerHTML = h + '</table>';
 } else $('board').innerHTML = '<pre class="maze">' + (solution ? solution.join('\\n') : puzzle) + '</pre>';
};
$('task').onchange = () => { $('puzzle').value = examples[$('task').value]; show($('task').value, $('puzzle').value); };
$('task').onchange();
$('go').onclick = async () => {
 const task = $('task').value, text = $('puzzle').value;
 const puzzle = task === 'maze' ? text.split('\\n') : text;
 $('status').textContent = 'thinking…';
 const res = await fetch('/v1/solve/stream', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ task, puzzle, options: $('mode').value === 'tries' ? { halt: 'verified', tries: 8 } : { halt: $('mode').value } }) });
 if (!res.ok) { const e = await res.json(); $('status').innerHTML = '<span class="bad">' + e.error.message + '</span>'; return; }
 const reader = res.body.getReader(), dec = new TextDecoder(); let buf = '';
 for (;;) {
  const { value, done } = await reader.read(); if (done) break;
  buf += dec.decode(value, { stream: true });
  let at; while ((at = buf.indexOf('\\n\\n')) >= 0) {
   const msg = buf.slice(0, at); buf = buf.slice(at + 2);
   const ev = (msg.match(/^event: (.*)$/m) || [])[1], data = JSON.parse((msg.match(/^data: (.*)$/m) || [])[1] || 'null');
   if (ev === 'step') { show(task, text, data.solution); $('status').textContent = 'step ' + data.step + ' · confidence ' + data.confidence.toFixed(3) + (data.copy ? ' · copy ' + data.copy : ''); }
   if (ev === 'result') { show(task, text, data.solution); $('status').innerHTML = (data.verified ? '<span class="ok">verified</span>' : '<span class="bad">not verified</span>') + ' · ' + data.steps + ' steps' + (data.work > data.steps ? ' (' + data.work + ' over all copies, answer from copy ' + data.copy + ')' : '') + ' · confidence ' + data.confidence.toFixed(3) + ' · ' + data.timing.totalMs + ' ms'; }
   if (ev === 'error') $('status').innerHTML = '<span class="bad">' + data.error.message + '</span>';
  }
 }
};
</script></body></html>`;
