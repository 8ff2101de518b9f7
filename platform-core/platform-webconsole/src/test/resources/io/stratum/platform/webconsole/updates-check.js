// Runs the console's updates.js (path in argv[2]) on an updates page made of a minimal DOM stand-in with one running
// update's job, fetch and timers under the check's control, and checks what the row shows: each snapshot's progress
// and phase, a retry after a failed poll, no poll after the job has ended, values written as text. Exits non-zero with
// the reason when something differs.
'use strict';
const fs = require('fs');
const assert = require('assert');
const src = fs.readFileSync(process.argv[2], 'utf8');

function element(attrs) {
  return {
    attrs: Object.assign({}, attrs), textContent: '', value: 0, fields: {}, bar: null,
    getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; },
    setAttribute(n, v) { this.attrs[n] = String(v); },
    querySelector(sel) {
      if (sel === 'progress') {
        return this.bar;
      }
      const m = /^\[data-field="(\w+)"\]$/.exec(sel);
      return m ? this.fields[m[1]] || null : null;
    },
  };
}
const row = element({'data-live-job-url': '/system/console/stratum/jobs/2.json'});
row.bar = element({});
row.fields.progress = element({});
row.fields.phase = element({});
const document = {querySelectorAll: sel => sel === '[data-live-job-url]' ? [row] : []};
const answers = [
  {status: 200, body: {state: 'RUNNING', progress: 40, phase: 'hard', task: '<b>stop</b>', done: false}},
  {status: 503, body: {error: 'UNAVAILABLE', message: 'later'}},
  {status: 200, body: {state: 'SUCCEEDED', progress: 100, phase: 'open', task: 'end-maintenance', done: true}},
];
const seen = [];
function fetch(url, options) {
  assert.strictEqual(url, '/system/console/stratum/jobs/2.json');
  assert.strictEqual(options.credentials, 'same-origin');
  const answer = answers.shift();
  assert.ok(answer, 'polled again after the job had ended');
  return Promise.resolve({status: answer.status, json: () => Promise.resolve(answer.body)});
}
const timers = [];
const window = {setTimeout: (f, ms) => timers.push([f, ms])};

new Function('document', 'window', 'fetch', src)(document, window, fetch);

(async () => {
  const delays = [];
  const flush = () => new Promise(r => setImmediate(r));
  await flush();
  seen.push([row.bar.value, row.fields.progress.textContent, row.fields.phase.textContent]);
  while (timers.length) {
    const [f, ms] = timers.shift();
    delays.push(ms);
    f();
    await flush();
    seen.push([row.bar.value, row.fields.progress.textContent, row.fields.phase.textContent]);
  }
  assert.deepStrictEqual(seen[0], [40, '40%', 'hard / <b>stop</b>']);
  assert.deepStrictEqual(seen[seen.length - 1], [100, '100%', 'SUCCEEDED (reload the page)']);
  assert.strictEqual(row.getAttribute('data-done'), 'true');
  assert.strictEqual(row.getAttribute('data-job-state'), 'SUCCEEDED');
  assert.deepStrictEqual(delays, [2000, 2000], 'a poll after the first and one after the failure, none after the end');
  assert.strictEqual(answers.length, 0);
  console.log('OK');
})().catch(e => {
  console.error(e && e.stack || e);
  process.exit(1);
});
