// Prints bench/run's results (one JSON line per run) as one Markdown table:
// our server beside the two reference peers, with our figures as ratios to theirs.
//   node bench/table.mjs RESULTS.jsonl [--cpus S/G] [--repeat N] [--w1-repeat N] [--smoke] [--ours-pending] [--load TEXT] [--nice N]
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const file = argv[0];
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i > 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const smoke = argv.includes('--smoke');
const oursPending = argv.includes('--ours-pending');

const runs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
  try { return JSON.parse(l); } catch { return { error: `unreadable result: ${l.slice(0, 80)}` }; }
});
const servers = ['ours', 'ws', 'websocketpp'];
const of = (label, server) => runs.filter((r) => r.label === label && r.server === server);

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
/** The median of a field over the runs of (label, server); paths like "steady.p99_ms". */
const med = (label, server, path) => median(of(label, server).map((r) => path.split('.').reduce((o, k) => o?.[k], r)));
const sum = (label, server, key) => of(label, server).reduce((a, r) => a + (r[key] ?? 0), 0);

const fmt = (x, digits = 0) => {
  if (x === undefined) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};
const ratio = (a, b) => (a === undefined || b === undefined || !b ? '–' : `${(a / b).toFixed(2)}×`);
const missing = (label, server) => {
  if (server === 'ours' && oursPending) return 'pending';
  const rs = of(label, server);
  if (!rs.length) return 'not run';
  const bad = rs.find((r) => r.error && !('delivered' in r) && !('connections' in r) && !('logins' in r));
  return bad ? `error: ${bad.error}` : null;
};
/** A cell: the formatted value, or why there is none, flagged when a run was not clean. */
const cell = (label, server, value) => {
  const why = missing(label, server);
  if (why) return why;
  const dirty = of(label, server).some((r) => r.clean === false);
  return dirty ? `${value} (!)` : value;
};

const rows = [];
/** A row with one figure per server and our ratios to the peers. */
const row = (name, label, get, { digits = 0, ratios = false, target = '' } = {}) => {
  const v = Object.fromEntries(servers.map((s) => [s, get(s)]));
  const cells = servers.map((s) => cell(label, s, typeof v[s] === 'string' ? v[s] : fmt(v[s], digits)));
  const r = ratios && !oursPending ? [ratio(v.ours, v.ws), ratio(v.ours, v.websocketpp)] : ['', ''];
  rows.push([name, ...cells, ...r, target]);
};
const lossCell = (label) => (s) => `${sum(label, s, 'lost')} / ${sum(label, s, 'duplicated')} / ${sum(label, s, 'out_of_order')}`;

const w1 = (k) => (s) => med('W1', s, k);
row('W1 deliveries per server CPU-second', 'W1', w1('deliveries_per_server_cpu_s'), { ratios: true, target: '≥ 5× ws, ≥ 1× websocketpp' });
row('W1 server CPU per delivery (µs)', 'W1', w1('server_cpu_us_per_delivery'), { digits: 2, ratios: true });
row('W1 delivered msgs/s (wall clock)', 'W1', w1('delivered_per_s'), { ratios: true });
row('W1 latency p50 / p99 (ms)', 'W1', (s) => `${fmt(med('W1', s, 'latency.p50_ms'), 1)} / ${fmt(med('W1', s, 'latency.p99_ms'), 1)}`);
row('W1 generator CPU ÷ wall while sending (1.0 = generator-bound)', 'W1', (s) => median(of('W1', s).map((r) => r.gen_cpu_send_s / r.duration_s)), { digits: 2 });
row('W1 lost / duplicated / reordered', 'W1', lossCell('W1'), { target: '0 / 0 / 0' });
row('W2 steady p99 (ms, sent after 2 s)', 'W2', (s) => med('W2', s, 'steady.p99_ms'), { digits: 2, ratios: true, target: '≤ 15 ms' });
row('W2 latency p50 / p99 / max (ms)', 'W2', (s) =>
  `${fmt(med('W2', s, 'latency.p50_ms'), 2)} / ${fmt(med('W2', s, 'latency.p99_ms'), 2)} / ${fmt(med('W2', s, 'latency.max_ms'), 1)}`);
row('W2 server CPU per delivery (µs)', 'W2', (s) => med('W2', s, 'server_cpu_us_per_delivery'), { digits: 2, ratios: true });
row('W2 lost / duplicated / reordered', 'W2', lossCell('W2'), { target: '0 / 0 / 0' });
row('W3 idle connections made', 'W3', (s) => med('W3', s, 'connections'), { target: smoke ? '' : '10 000' });
row('W3 server RSS per connection (KiB)', 'W3', (s) => {
  const b = med('W3', s, 'rss_per_connection_bytes');
  return b === undefined ? undefined : b / 1024;
}, { digits: 2, ratios: true, target: '≤ 8 KiB' });
row('W3 server peak RSS (MiB)', 'W3', (s) => {
  const k = med('W3', s, 'server_peak_rss_kib');
  return k === undefined ? undefined : k / 1024;
}, { digits: 1 });

const oursOnly = (name, value, target = '') => rows.push([name, value, 'n/a', 'n/a', '', '', target]);
const w4 = of('W4', 'ours');
oursOnly('W4 logins per second', cell('W4', 'ours', fmt(med('W4', 'ours', 'logins_per_s'), 1)));
oursOnly('W4 login p50 / p99 (ms)', cell('W4', 'ours',
  `${fmt(med('W4', 'ours', 'login_latency.p50_ms'), 1)} / ${fmt(med('W4', 'ours', 'login_latency.p99_ms'), 1)}`));
if (w4.length && w4[0].login_failures) rows[rows.length - 1][1] += ` (${w4[0].login_failures} failed)`;

const w5 = of('W5', 'ours')[0] ?? {};
const kb = (b) => `${fmt(b / 1000, 1)} kB`;
const w5cell = (text) => (w5.built ? text : 'not built');
oursOnly('W5 .wasm raw / gzip', w5cell(`${kb(w5.wasm_bytes)} / ${kb(w5.wasm_gzip)}`), '≤ 1.5 MB / ≤ 600 kB');
oursOnly('W5 .js raw / gzip', w5cell(`${kb(w5.js_bytes)} / ${kb(w5.js_gzip)}`));
oursOnly('W5 other files in dist raw / gzip (page)', w5cell(`${kb(w5.other_bytes ?? 0)} / ${kb(w5.other_gzip ?? 0)}`));
let firstFrame;
if (!w5.built) firstFrame = 'not built';
else if (w5.first_frame_ms !== undefined) {
  const all = w5.first_frame_runs_ms ?? [];
  firstFrame = fmt(w5.first_frame_ms, 0) + (all.length > 1 ? ` (median of ${all.map((x) => fmt(x, 0)).join(', ')})` : '');
}
else if (w5.error) firstFrame = `error: ${w5.error}`;
else firstFrame = oursPending ? 'pending (no server)' : 'not run';
oursOnly('W5 navigation → first chat frame (ms)', firstFrame, '≤ 500 ms');
const floor = of('W5-floor', 'ours')[0];
if (floor) {
  oursOnly('W5 floor: a bare WebGL2 page with the chat\'s WebSocket, same measure (ms)', floor.error ? `error: ${floor.error}` :
    `${fmt(floor.floor_first_frame_ms, 0)} (median of ${floor.floor_runs_ms.map((x) => fmt(x, 0)).join(', ')})`);
}
if (w5.first_load_transfer !== undefined) {
  oursOnly('W5 bytes fetched up to the first chat frame (bodies / with headers)',
    `${kb(w5.first_load_bytes)} / ${kb(w5.first_load_transfer)}`, '≤ 350 kB');
}
for (const dpr of ['dpr1', 'dpr2']) {
  const f = w5.fling && w5.fling[dpr];
  if (!f) continue;
  oursOnly(`W5 fling through ${w5.fling.messages} messages, ${dpr.slice(3)}× (ms): draw p50 / p95; frame p95`,
    `${fmt(f.draw_p50_ms, 1)} / ${fmt(f.draw_p95_ms, 1)}; ${fmt(f.frame_p95_ms, 1)}${f.reached_bottom ? '' : ' (did not reach the bottom)'}`, 'p95 ≤ 16.7 ms');
}

// W8: a restart's reconnect storm, guests all at once from 100 source addresses, default caps (ours only).
for (const kind of ['legacy', 'v1']) {
  const labels = [...new Set(runs.filter((r) => r.server === 'ours' && r.label?.startsWith(`W8-${kind}-`)).map((r) => r.label))];
  labels.sort((a, b) => Number(a.split('-')[2]) - Number(b.split('-')[2]));
  for (const label of labels) {
    const n = fmt(Number(label.split('-')[2]));
    oursOnly(`W8 ${kind === 'legacy' ? 'seed path' : 'v1'}, ${n} at once: live / time until all live (s) / server CPU per connection (µs)`,
      cell(label, 'ours', `${fmt(med(label, 'ours', 'connections'))} / ${fmt(med(label, 'ours', 'connect_s'), 2)} / ` +
        `${fmt(med(label, 'ours', 'server_cpu_us_per_connection'), 0)}`), kind === 'legacy' ? 'flat from 1 000 to 10 000' : '');
  }
}

const header = ['workload', 'ours', 'ws (npm)', 'websocketpp', 'ours ÷ ws', 'ours ÷ websocketpp', 'target'];
const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
const note = `${smoke ? 'SMOKE sizes (not a measurement). ' : ''}Server pinned to CPU ${opt('--cpus', '1/0').split('/')[0]}, ` +
  `generator to CPU ${opt('--cpus', '1/0').split('/')[1]}, both at nice ${opt('--nice', '0')}; medians of ${opt('--w1-repeat', '1')} W1 and ${opt('--repeat', '1')} W2 runs per server; ` +
  `Load average (1/5/15 min) before -> after: ${opt('--load', 'n/a')}. ` +
  'Ratios are our figure ÷ the peer\'s (higher is better for per-second rows, lower for µs, ms and KiB); ' +
  '(!) = a run was not clean (see its JSON line).';
console.log([...lines, '', note].join('\n'));
