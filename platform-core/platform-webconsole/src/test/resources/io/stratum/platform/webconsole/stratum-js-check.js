// Runs the console's stratum.js (path in argv[2]) on a job page made of a minimal DOM stand-in, with fetch and
// timers under the check's control, and checks what the page shows: each snapshot's fields, a retry after a
// failed poll, no poll after the job has ended. Exits non-zero with the reason when something differs.
'use strict';
const fs = require('fs');
const assert = require('assert');
const src = fs.readFileSync(process.argv[2], 'utf8');

function element(attrs) {
  return {
    attrs: Object.assign({}, attrs), children: [], textContent: '', hidden: false, value: 0,
    getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; },
    setAttribute(n, v) { this.attrs[n] = String(v); },
    appendChild(c) { this.children.push(c); return c; },
    removeChild(c) { this.children.splice(this.children.indexOf(c), 1); },
    get firstChild() { return this.children[0] || null; },
    addEventListener() {},
    querySelectorAll() { return []; },
  };
}
const ids = {};
['job-state', 'job-progress', 'job-progress-text', 'job-phase', 'job-task', 'job-attempts', 'job-message',
  'job-error', 'job-started', 'job-finished', 'job-steps-body', 'job-outcome', 'job-done', 'job-cancel-form',
  'job-poll-error'].forEach(id => { ids[id] = element({}); });
ids['job-done'].hidden = true;
ids['stratum-job'] = element({'data-job-url': '/system/console/stratum/jobs/5.json', 'data-done': 'false'});
const document = {
  getElementById: id => ids[id] || null,
  querySelectorAll: () => [],
  createElement: tag => element({tag: tag}),
};
const step = (state) => ({phase: 'provision', task: 'provision', compensation: false, state: state, attempts: 1,
  error: '', startedAt: '2026-11-22 10:00:00Z', finishedAt: ''});
const answers = [
  {status: 200, body: {state: 'RUNNING', progress: 35, phase: 'provision', task: 'provision', attempts: 1,
    message: '<img src=x onerror=alert(1)>', error: '', done: false, steps: [step('RUNNING')]}},
  {status: 500, body: {error: 'INTERNAL', message: 'the platform failed; see the Karaf log'}},
  {status: 200, body: {state: 'SUCCEEDED', progress: 100, phase: 'start', task: 'await-healthy', attempts: 1,
    message: 'done', error: '', done: true, startedAt: 'a', finishedAt: 'b', steps: [step('DONE'), step('DONE')]}},
];
const seen = [];
let polls = 0;
function fetch(url, options) {
  polls++;
  assert.strictEqual(url, '/system/console/stratum/jobs/5.json');
  assert.strictEqual(options.credentials, 'same-origin');
  const answer = answers.shift();
  assert.ok(answer, 'polled again after the job had ended');
  return Promise.resolve({status: answer.status, json: () => Promise.resolve(answer.body)});
}
const timers = [];
const window = {setTimeout: (f, ms) => timers.push([f, ms]), confirm: () => true};

new Function('document', 'window', 'fetch', src)(document, window, fetch);

(async () => {
  const delays = [];
  while (timers.length) {
    const [f, ms] = timers.shift();
    delays.push(ms);
    f();
    await new Promise(r => setTimeout(r, 5));
    seen.push([ids['job-state'].textContent, ids['job-poll-error'].hidden]);
  }
  assert.deepStrictEqual(delays, [1000, 1000, 2000], 'first poll after 1 s, every second, slower after a failure');
  assert.strictEqual(polls, 3);
  assert.deepStrictEqual(seen, [['RUNNING', true], ['RUNNING', false], ['SUCCEEDED', true]]);
  assert.strictEqual(ids['job-state'].textContent, 'SUCCEEDED');
  assert.strictEqual(ids['stratum-job'].getAttribute('data-state'), 'SUCCEEDED');
  assert.strictEqual(ids['stratum-job'].getAttribute('data-done'), 'true');
  assert.strictEqual(ids['job-progress'].value, 100);
  assert.strictEqual(ids['job-progress-text'].textContent, '100%');
  assert.strictEqual(ids['job-task'].textContent, 'await-healthy');
  assert.strictEqual(ids['job-finished'].textContent, 'b');
  assert.strictEqual(ids['job-outcome'].textContent, 'SUCCEEDED');
  assert.strictEqual(ids['job-done'].hidden, false);
  assert.strictEqual(ids['job-cancel-form'].hidden, true);
  assert.strictEqual(ids['job-steps-body'].children.length, 2);
  assert.strictEqual(ids['job-steps-body'].children[0].children[3].textContent, 'DONE');
  console.log('OK');
})().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
