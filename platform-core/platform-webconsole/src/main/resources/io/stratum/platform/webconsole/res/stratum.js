/*
 * The Stratum pages' script (served by the plugin; no library). It only makes pages live: a job page polls its
 * job's JSON snapshot every second until the job has ended; the create form narrows the plans to the chosen type;
 * destructive forms ask first; for a user who may open only the Stratum pages, the console's menu shows only them.
 * Every value from the server is written with textContent, never as HTML.
 */
(function () {
  'use strict';

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, value) {
    var el = byId(id);
    if (el) {
      el.textContent = value === null || value === undefined ? '' : String(value);
    }
  }

  // --- the console's menu of a user who may open only the Stratum pages: only those (and logging out)
  var stratum = byId('stratum');
  var menu = byId('navmenu');
  if (stratum && menu && stratum.getAttribute('data-console-scope') === 'STRATUM') {
    var root = stratum.getAttribute('data-root');
    var opens = function (item) {
      if (/(^|\s)logoutButton(\s|$)/.test(item.className || '')) {
        return true;
      }
      return Array.prototype.some.call(item.querySelectorAll('a'), function (link) {
        var href = link.getAttribute('href') || '';
        return href === root || href.indexOf(root + '/') === 0;
      });
    };
    Array.prototype.forEach.call(menu.querySelectorAll('li'), function (item) {
      if (!opens(item) && item.parentNode) {
        item.parentNode.removeChild(item);
      }
    });
  }

  // --- forms that ask first
  var confirming = document.querySelectorAll('[data-confirm]');
  Array.prototype.forEach.call(confirming, function (button) {
    if (!button.form) {
      return;
    }
    button.form.addEventListener('submit', function (event) {
      if (!window.confirm(button.getAttribute('data-confirm'))) {
        event.preventDefault();
      }
    });
  });

  // --- the create form: only the chosen type's plans
  var typeSelect = byId('create-type');
  var planSelect = byId('create-plan');
  function narrowPlans() {
    if (!typeSelect || !planSelect) {
      return;
    }
    var type = typeSelect.value;
    Array.prototype.forEach.call(planSelect.querySelectorAll('optgroup'), function (group) {
      var match = group.getAttribute('data-type') === type;
      group.hidden = !match;
      group.disabled = !match;
    });
    var selected = planSelect.options[planSelect.selectedIndex];
    if (selected && selected.getAttribute('data-type') && selected.getAttribute('data-type') !== type) {
      planSelect.value = '';
    }
  }
  if (typeSelect) {
    typeSelect.addEventListener('change', narrowPlans);
    narrowPlans();
  }

  // --- a job page: live progress until the job has ended
  var job = byId('stratum-job');
  if (!job) {
    return;
  }
  var url = job.getAttribute('data-job-url');
  var failures = 0;

  function cell(row, text) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td);
  }

  function update(snapshot) {
    job.setAttribute('data-state', snapshot.state);
    setText('job-state', snapshot.state);
    var progress = byId('job-progress');
    if (progress) {
      progress.value = snapshot.progress;
    }
    setText('job-progress-text', snapshot.progress + '%');
    setText('job-phase', snapshot.phase);
    setText('job-task', snapshot.task);
    setText('job-attempts', snapshot.attempts);
    setText('job-message', snapshot.message);
    setText('job-error', snapshot.error);
    setText('job-started', snapshot.startedAt);
    setText('job-finished', snapshot.finishedAt);
    var body = byId('job-steps-body');
    if (body) {
      while (body.firstChild) {
        body.removeChild(body.firstChild);
      }
      snapshot.steps.forEach(function (step) {
        var row = document.createElement('tr');
        row.setAttribute('data-test', 'job-step');
        cell(row, step.phase);
        cell(row, step.task);
        cell(row, step.compensation ? 'undo' : 'do');
        cell(row, step.state);
        cell(row, step.attempts);
        cell(row, step.startedAt);
        cell(row, step.finishedAt);
        cell(row, step.error);
        body.appendChild(row);
      });
    }
    if (snapshot.done) {
      job.setAttribute('data-done', 'true');
      setText('job-outcome', snapshot.state);
      var done = byId('job-done');
      if (done) {
        done.hidden = false;
      }
      var cancel = byId('job-cancel-form');
      if (cancel) {
        cancel.hidden = true;
      }
    }
  }

  function problem(text) {
    var el = byId('job-poll-error');
    if (el) {
      el.textContent = text;
      el.hidden = !text;
    }
  }

  function poll() {
    fetch(url, {credentials: 'same-origin', cache: 'no-store', headers: {'Accept': 'application/json'}})
      .then(function (response) {
        return response.json().then(function (body) {
          return {status: response.status, body: body};
        });
      })
      .then(function (answer) {
        if (answer.status !== 200) {
          problem(answer.body.message || ('the console answered ' + answer.status));
          if (answer.status === 404 || answer.status === 403) {
            return; // gone, or not this user's to see: asking again does not help
          }
          failures++;
          window.setTimeout(poll, Math.min(10000, 1000 * (failures + 1)));
          return;
        }
        failures = 0;
        problem('');
        update(answer.body);
        if (!answer.body.done) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function (error) {
        failures++;
        problem('Lost contact with the console (' + error.message + '); trying again.');
        window.setTimeout(poll, Math.min(10000, 1000 * (failures + 1)));
      });
  }

  if (job.getAttribute('data-done') !== 'true') {
    window.setTimeout(poll, 1000);
  }
}());
