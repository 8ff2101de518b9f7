// Runs the console's elasticity.js (path in argv[2]) on a service's elasticity page made of a minimal DOM stand-in
// shaped as ElasticityPages renders it, with fetch and timers under the check's control, and checks what the page
// shows: each metric's plot (SVG elements only, a line broken at a gap, a min/max band for downsampled points, axis
// labels in the metric's unit), its last value in its unit, a metric the page did not know yet (its hostile name as
// text only), the alerts' states, a retry after a failed poll, a change of window in place (an answer for the window
// left behind is ignored), and no poll after a 404. Exits non-zero with the reason when something differs.
'use strict';
const fs = require('fs');
const assert = require('assert');
const src = fs.readFileSync(process.argv[2], 'utf8');
const SVG = 'http://www.w3.org/2000/svg';

const ids = {};
function node(tag, attrs, children, ns) {
  const n = {
    tag: tag, ns: ns || null, attrs: {}, children: [], parentNode: null, textContent: '', hidden: false,
    listeners: {},
    getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
    setAttribute(k, v) {
      assert.strictEqual(typeof k, 'string');
      this.attrs[k] = String(v);
      if (k === 'id') { ids[v] = this; }
    },
    removeAttribute(k) { delete this.attrs[k]; },
    appendChild(c) { c.parentNode = this; this.children.push(c); return c; },
    removeChild(c) { this.children.splice(this.children.indexOf(c), 1); c.parentNode = null; return c; },
    get firstChild() { return this.children[0] || null; },
    querySelectorAll(selector) {
      const m = /^\[([a-z-]+)\]$/.exec(selector);
      assert.ok(m, 'the script asks for a selector the page does not promise: ' + selector);
      const found = [];
      (function walk(x) { x.children.forEach(c => { if (m[1] in c.attrs) { found.push(c); } walk(c); }); })(this);
      return found;
    },
    addEventListener(type, f) { (this.listeners[type] = this.listeners[type] || []).push(f); },
  };
  Object.keys(attrs || {}).forEach(k => n.setAttribute(k, attrs[k]));
  (children || []).forEach(c => n.appendChild(c));
  return n;
}
const el = (tag, attrs, ...children) => node(tag, attrs, children);

function figure(metric, unit) {
  return el('figure', {'class': 'stratum-plot', 'data-test': 'metric-plot', 'data-metric': metric},
    el('figcaption', {}, el('strong', {'data-field': 'metric'}), el('span', {'data-field': 'last'}),
      el('span', {'data-field': 'unit'}), el('small', {'data-field': 'description'})),
    node('svg', {'data-field': 'chart'}, [], SVG));
}
const windows = ['5m', '15m', '1h', '24h'].map(w => el('a', {'data-window': w,
  href: '/system/console/stratum/elasticity?account=default&name=shop-app&window=' + w + '#metrics',
  'class': w === '15m' ? 'active' : ''}));
const page = el('body', {},
  el('div', {id: 'stratum-elasticity', 'data-metrics-url':
    '/system/console/stratum/elasticity.json?account=default&name=shop-app', 'data-window': '15m'},
    el('p', {id: 'metrics-windows'}, ...windows, el('span', {id: 'metrics-status'})),
    el('p', {id: 'metrics-poll-error'}), el('p', {id: 'metrics-empty'}),
    el('div', {id: 'metrics-plots'}, figure('http.requests.rate'))),
  el('p', {id: 'alerts-changed'}),
  el('table', {}, el('tr', {'data-test': 'alert-row', 'data-alert': 'high-load', 'data-state': 'ALARM'},
    el('td', {'data-field': 'state'}, el('span', {'class': 'stratum-state stratum-state-alarm'})),
    el('td', {'data-field': 'since'}), el('td', {'data-field': 'evaluatedAt'}), el('td', {'data-field': 'values'})),
  el('tr', {}, el('td', {}, el('details', {'data-test': 'alert-history', 'data-alert': 'high-load'})))));
ids['metrics-poll-error'].hidden = true;
ids['alerts-changed'].hidden = true;

const document = {
  getElementById: id => ids[id] || null,
  querySelectorAll: s => page.querySelectorAll(s),
  createElement: tag => node(tag, {}),
  createElementNS: (ns, tag) => node(tag, {}, [], ns),
  createTextNode: text => { const t = node('#text', {}); t.textContent = text; return t; },
};
const timers = [];
let nextTimer = 1;
const cleared = [];
const replaced = [];
const window = {
  setTimeout: (f, ms) => { const id = nextTimer++; timers.push({id: id, f: f, ms: ms}); return id; },
  clearTimeout: id => { cleared.push(id); const i = timers.findIndex(t => t.id === id); if (i >= 0) { timers.splice(i, 1); } },
  history: {replaceState: (state, title, url) => replaced.push(url)},
  location: {origin: 'http://127.0.0.1:8181'},
  confirm: () => true,
};
const requests = [];
function fetch(url, options) {
  assert.strictEqual(options.credentials, 'same-origin');
  return new Promise(resolve => requests.push({url: url, answer: (status, body) => resolve({status: status,
    json: () => Promise.resolve(body)})}));
}
const settle = () => new Promise(r => setTimeout(r, 5));

const NOW = Date.UTC(2026, 10, 22, 11, 0, 0);
const HOSTILE = '<img src=x onerror=alert(1)>';
function snapshot(window, windowMillis, refresh, last) {
  const rate = [];
  for (let i = 0; i < 5; i++) { rate.push([NOW - 120000 + 5000 * i, 110 + i, 110 + i, 110 + i]); }
  for (let i = 0; i < 3; i++) { rate.push([NOW - 10000 + 5000 * i, last - 2 + i, last - 2 + i, last - 2 + i]); }
  return {account: 'default', service: 'shop-app', window: window, windowMillis: windowMillis, refreshMillis: refresh,
    now: NOW, nowText: '2026-11-22 11:00:00Z', metrics: [
      {metric: 'http.requests.rate', unit: 'req/s', description: 'HTTP requests per second', last: last,
        lastAt: '2026-11-22 11:00:00Z', error: null, points: rate},
      {metric: HOSTILE, unit: 'bytes', description: '<b>memory</b>', last: 125829120, lastAt: 'x', error: null,
        points: [[NOW - 60000, 1e8, 9e7, 1.1e8], [NOW - 30000, 1.2e8, 1e8, 1.5e8]]},
      {metric: 'http.latency.p95', unit: 'ms', description: '', last: null, lastAt: null, error: null, points: []}],
    alerts: [{name: 'high-load', state: 'OK', since: '2026-11-22 10:59:30Z', evaluatedAt: '2026-11-22 10:59:55Z',
      values: 'instances = 2'}]};
}

function svgIn(fig) {
  return fig.querySelectorAll('[data-field]').find(x => x.attrs['data-field'] === 'chart');
}
function fieldText(fig, name) {
  return fig.querySelectorAll('[data-field]').find(x => x.attrs['data-field'] === name).textContent;
}
function figures() {
  return ids['metrics-plots'].querySelectorAll('[data-metric]');
}
function everyElement(x, f) {
  x.children.forEach(c => { f(c); everyElement(c, f); });
}

new Function('document', 'window', 'fetch', src)(document, window, fetch);

(async () => {
  // at once: the window the page was rendered with
  assert.strictEqual(requests.length, 1);
  assert.strictEqual(requests[0].url,
    'http://127.0.0.1:8181/system/console/stratum/elasticity.json?account=default&name=shop-app&window=15m');
  requests.shift().answer(200, snapshot('15m', 900000, 5000, 130));
  await settle();
  assert.deepStrictEqual(timers.map(t => t.ms), [5000], 'the next refresh as the document says');
  assert.strictEqual(ids['metrics-status'].textContent, 'updated 2026-11-22 11:00:00Z');
  assert.strictEqual(ids['metrics-empty'].hidden, true);
  assert.strictEqual(ids['metrics-poll-error'].hidden, true);

  const [rate, memory, latency] = figures();
  assert.strictEqual(rate.attrs['data-metric'], 'http.requests.rate');
  assert.strictEqual(fieldText(rate, 'last'), '130 req/s');
  assert.strictEqual(fieldText(rate, 'unit'), 'req/s');
  const chart = svgIn(rate);
  assert.strictEqual(chart.attrs.viewBox, '0 0 600 160');
  everyElement(chart, e => assert.strictEqual(e.ns, SVG, e.tag + ' is not an SVG element'));
  const line = chart.children.find(c => c.tag === 'path');
  assert.strictEqual(line.attrs['data-points'], '8');
  assert.strictEqual(line.attrs['data-runs'], '2', 'the line is broken where no sample came for 90 s');
  assert.strictEqual((line.attrs.d.match(/M/g) || []).length, 2);
  assert.ok(!chart.children.some(c => c.tag === 'polygon'), 'raw points have no band');
  const yLabels = chart.children.filter(c => c.attrs['data-test'] === 'plot-y-label').map(c => c.textContent);
  assert.deepStrictEqual(yLabels, ['0', '100', '200'], 'the axis in numbers, the unit in the caption');
  const xLabels = chart.children.filter(c => c.attrs['data-test'] === 'plot-x-label').map(c => c.textContent);
  assert.deepStrictEqual(xLabels, ['10:45:00Z', '10:52:30Z', '11:00:00Z']);
  // the newest point is drawn at the right edge, the highest value of the axis at the top
  const end = line.attrs.d.split(' ').slice(-2).map(s => parseFloat(s.replace(/^[ML]/, '')));
  assert.deepStrictEqual(end, [590, 54.8]);

  // a metric the page did not know: a new figure, its name written as text only
  assert.strictEqual(memory.attrs['data-metric'], HOSTILE);
  assert.strictEqual(fieldText(memory, 'metric'), HOSTILE);
  assert.strictEqual(fieldText(memory, 'description'), '<b>memory</b>');
  assert.strictEqual(fieldText(memory, 'last'), '120 MiB');
  assert.ok(svgIn(memory).children.some(c => c.tag === 'polygon' && c.attrs['class'] === 'band'),
    'downsampled points have a min/max band');
  assert.deepStrictEqual(svgIn(memory).children.filter(c => c.attrs['data-test'] === 'plot-y-label')
    .map(c => c.textContent), ['0 B', '100 MiB', '200 MiB'], 'a byte axis in round binary units');
  assert.strictEqual(fieldText(latency, 'last'), 'no data');
  assert.strictEqual(svgIn(latency).children.find(c => c.attrs['data-test'] === 'plot-empty').textContent,
    'no data in the last 15m');
  everyElement(page, e => assert.ok(!('innerHTML' in e), 'nothing is written as HTML'));

  // the alert's new state, coloured; the page says its history grew
  const row = page.querySelectorAll('[data-alert]').find(x => x.attrs['data-test'] === 'alert-row');
  assert.strictEqual(row.attrs['data-state'], 'OK');
  const state = row.children[0].children[0];
  assert.strictEqual(state.textContent, 'OK');
  assert.strictEqual(state.attrs['class'], 'stratum-state stratum-state-ok');
  assert.strictEqual(row.children[1].textContent, '2026-11-22 10:59:30Z');
  assert.strictEqual(row.children[3].textContent, 'instances = 2');
  assert.strictEqual(ids['alerts-changed'].hidden, false);

  // a failed poll: said, and tried again later
  timers.shift().f();
  assert.strictEqual(requests.length, 1);
  requests.shift().answer(500, {error: 'INTERNAL', message: 'the platform failed; see the Karaf log'});
  await settle();
  assert.strictEqual(ids['metrics-poll-error'].textContent, 'the platform failed; see the Karaf log');
  assert.strictEqual(ids['metrics-poll-error'].hidden, false);
  assert.deepStrictEqual(timers.map(t => t.ms), [10000]);
  const pending = timers[0].id;

  // another window, then another before the first answers: only the last one's answer counts
  const click = w => windows.find(a => a.attrs['data-window'] === w).listeners.click[0]({preventDefault() {}});
  click('1h');
  assert.deepStrictEqual(cleared, [pending], 'the pending refresh is called off');
  assert.strictEqual(timers.length, 0);
  click('24h');
  assert.deepStrictEqual(requests.map(r => r.url.replace(/.*window=/, '')), ['1h', '24h']);
  assert.deepStrictEqual(windows.map(a => a.attrs['class']), ['', '', '', 'active']);
  assert.strictEqual(windows[3].attrs['aria-current'], 'true');
  assert.ok(!('aria-current' in windows[1].attrs));
  assert.strictEqual(replaced[replaced.length - 1], windows[3].attrs.href);
  const [oneHour, day] = requests.splice(0, 2);
  day.answer(200, snapshot('24h', 86400000, 30000, 900));
  await settle();
  oneHour.answer(200, snapshot('1h', 3600000, 5000, 999));
  await settle();
  assert.strictEqual(fieldText(rate, 'last'), '900 req/s', 'the answer for the window left behind is ignored');
  assert.deepStrictEqual(timers.map(t => t.ms), [30000]);
  assert.strictEqual(ids['metrics-poll-error'].hidden, true);
  assert.deepStrictEqual(svgIn(rate).children.filter(c => c.attrs['data-test'] === 'plot-x-label')
    .map(c => c.textContent), ['11:00Z', '23:00Z', '11:00Z']);
  assert.deepStrictEqual(svgIn(rate).children.filter(c => c.attrs['data-test'] === 'plot-y-label')
    .map(c => c.textContent), ['0', '500', '1k'], 'thousands as k');

  // gone, or not this user's: said, and not asked again
  timers.shift().f();
  requests.shift().answer(404, {error: 'NOT_FOUND', message: "service 'shop-app' does not exist"});
  await settle();
  assert.strictEqual(ids['metrics-poll-error'].textContent, "service 'shop-app' does not exist");
  assert.strictEqual(timers.length, 0);
  assert.strictEqual(requests.length, 0);
  console.log('OK');
})().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
