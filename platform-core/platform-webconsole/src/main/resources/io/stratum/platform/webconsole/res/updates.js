/*
 * The update pages' script (served by the plugin; no library): the job of each running update shows its progress
 * live, read from the job's JSON snapshot every two seconds until the job has ended (then the row says so and asks for
 * a reload); after five failed polls in a row it gives up. Every value from the server is written with textContent,
 * never as HTML.
 */
(function () {
  'use strict';

  var INTERVAL = 2000;
  var MAX_FAILURES = 5;

  function field(el, name) {
    return el.querySelector('[data-field="' + name + '"]');
  }

  function follow(el) {
    var url = el.getAttribute('data-live-job-url');
    var failures = 0;

    function show(snapshot) {
      var bar = el.querySelector('progress');
      if (bar) {
        bar.value = snapshot.progress;
      }
      var text = field(el, 'progress');
      if (text) {
        text.textContent = snapshot.progress + '%';
      }
      var phase = field(el, 'phase');
      if (phase) {
        phase.textContent = snapshot.done ? snapshot.state + ' (reload the page)'
            : [snapshot.phase, snapshot.task].filter(function (s) { return s; }).join(' / ');
      }
      el.setAttribute('data-job-state', snapshot.state);
      if (snapshot.done) {
        el.setAttribute('data-done', 'true');
      }
    }

    function again() {
      if (++failures < MAX_FAILURES) {
        window.setTimeout(poll, INTERVAL);
      }
    }

    function poll() {
      fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}}).then(function (r) {
        if (r.status !== 200) {
          again();
          return null;
        }
        return r.json().then(function (snapshot) {
          failures = 0;
          show(snapshot);
          if (!snapshot.done) {
            window.setTimeout(poll, INTERVAL);
          }
        });
      }, again);
    }

    poll();
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-live-job-url]'), follow);
}());
