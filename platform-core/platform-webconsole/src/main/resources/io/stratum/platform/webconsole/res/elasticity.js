/*
 * The elasticity page's script (served by the plugin; no library): it plots a service's metrics as SVG line charts
 * from the plugin's JSON document (elasticity.json: each series as [epoch millis, value, min, max] points, its last
 * value and unit, and the service's alert states), redraws them and updates the alerts' states every few seconds
 * (as often as the document says) without reloading the page, and switches the window (5m, 15m, 1h, 24h) in place.
 * A gap in a series (no samples for more than three of its usual intervals) is a gap in its line; the band around the
 * line is the least and greatest value of each downsampled point. Every value from the server is written with
 * textContent or setAttribute, or is a number computed here; nothing is written as HTML.
 */
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var W = 600;
  var H = 160;
  var LEFT = 62;
  var RIGHT = 10;
  var TOP = 10;
  var BOTTOM = 22;

  var root = document.getElementById('stratum-elasticity');
  if (!root) {
    return;
  }
  var base = root.getAttribute('data-metrics-url');
  var current = root.getAttribute('data-window');
  var plots = document.getElementById('metrics-plots');
  var timer = null;
  var failures = 0;
  var generation = 0;

  function byId(id) {
    return document.getElementById(id);
  }

  function attr(el, name) {
    return el.getAttribute(name);
  }

  function each(list, f) {
    Array.prototype.forEach.call(list, f);
  }

  /** @return the descendants of el carrying attribute name with the value (querySelectorAll of the attribute only) */
  function find(el, name, value) {
    var found = [];
    each(el.querySelectorAll('[' + name + ']'), function (c) {
      if (value === undefined || attr(c, name) === value) {
        found.push(c);
      }
    });
    return found;
  }

  function field(el, name) {
    return find(el, 'data-field', name)[0] || null;
  }

  function setText(el, value) {
    if (el) {
      el.textContent = value === null || value === undefined ? '' : String(value);
    }
  }

  // --- numbers for people

  function trim(s) {
    return s.indexOf('.') < 0 ? s : s.replace(/0+$/, '').replace(/\.$/, '');
  }

  /** @return the value in its unit: bytes in KiB/MiB/GiB, at most three decimals below 10, fewer above */
  function format(value, unit) {
    if (value === null || value === undefined || isNaN(value)) {
      return '-';
    }
    if (unit === 'bytes') {
      var a = Math.abs(value);
      var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      var i = 0;
      while (a >= 1024 && i < units.length - 1) {
        a /= 1024;
        value /= 1024;
        i++;
      }
      return trim(value.toFixed(i === 0 ? 0 : 1)) + ' ' + units[i];
    }
    var abs = Math.abs(value);
    var digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
    var text = trim(value.toFixed(digits));
    if (text === '-0') {
      text = '0';
    }
    if (!unit) {
      return text;
    }
    return unit === '%' ? text + '%' : text + ' ' + unit;
  }

  /**
   * @return a value for an axis, short: bytes in their binary unit and percentages with their sign (the caption has
   *     the unit), other values with k, M or G for thousands, millions and billions
   */
  function axisLabel(value, unit) {
    if (unit === 'bytes' || unit === '%') {
      return format(value, unit);
    }
    var abs = Math.abs(value);
    var suffixes = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    for (var i = 0; i < suffixes.length; i++) {
      if (abs >= suffixes[i][0]) {
        return format(value / suffixes[i][0], '') + suffixes[i][1];
      }
    }
    return format(value, '');
  }

  /** @return the least of 1, 2, 2.5, 5 times a power of ten that is at least v (v > 0) */
  function niceCeil(v) {
    if (!(v > 0)) {
      return 1;
    }
    var p = Math.pow(10, Math.floor(Math.log(v) / Math.LN10));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * p >= v * (1 - 1e-12)) {
        return steps[i] * p;
      }
    }
    return 10 * p;
  }

  /** @return the top of an axis for values up to v (v > 0): niceCeil of v, in the binary unit for bytes */
  function niceAxis(v, unit) {
    var scale = 1;
    if (unit === 'bytes') {
      while (v / scale >= 1024) {
        scale *= 1024;
      }
    }
    return niceCeil(v / scale) * scale;
  }

  function two(n) {
    return (n < 10 ? '0' : '') + n;
  }

  /** @return the time in UTC, as the console shows times: HH:MM, or HH:MM:SS for a window of 15 minutes or less */
  function clock(ms, withSeconds) {
    var d = new Date(ms);
    return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + (withSeconds ? ':' + two(d.getUTCSeconds()) : '')
      + 'Z';
  }

  // --- the plots

  function svg(tag, attrs, parent) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) {
      el.setAttribute(k, String(attrs[k]));
    });
    if (parent) {
      parent.appendChild(el);
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) {
      el.removeChild(el.firstChild);
    }
  }

  function r1(v) {
    return Math.round(v * 10) / 10;
  }

  /** @return the points cut into runs at gaps longer than three of the series' usual intervals */
  function runs(points) {
    var gaps = [];
    for (var i = 1; i < points.length; i++) {
      gaps.push(points[i][0] - points[i - 1][0]);
    }
    var sorted = gaps.slice().sort(function (a, b) {
      return a - b;
    });
    var usual = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
    var out = [];
    var run = [];
    points.forEach(function (p, j) {
      if (j > 0 && usual > 0 && gaps[j - 1] > 3 * usual) {
        out.push(run);
        run = [];
      }
      run.push(p);
    });
    if (run.length) {
      out.push(run);
    }
    return out;
  }

  /** Draws a series into the figure's SVG, from now minus the window to now (the server's clock). */
  function draw(chart, metric, snapshot) {
    clear(chart);
    chart.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var t1 = snapshot.now;
    var t0 = t1 - snapshot.windowMillis;
    var seconds = snapshot.windowMillis <= 15 * 60 * 1000;
    var points = metric.points.filter(function (p) {
      return p[0] >= t0 && p[0] <= t1 && isFinite(p[1]);
    });
    var lo = 0;
    var hi = 0;
    points.forEach(function (p) {
      lo = Math.min(lo, p[2], p[1]);
      hi = Math.max(hi, p[3], p[1]);
    });
    var yMax = hi > 0 ? niceAxis(hi, metric.unit) : 0;
    var yMin = lo < 0 ? -niceAxis(-lo, metric.unit) : 0;
    if (yMax === yMin) {
      yMax = yMin + 1;
    }
    function x(t) {
      return r1(LEFT + (W - LEFT - RIGHT) * Math.min(1, Math.max(0, (t - t0) / (t1 - t0))));
    }
    function y(v) {
      return r1(TOP + (H - TOP - BOTTOM) * (1 - (v - yMin) / (yMax - yMin)));
    }
    var title = svg('title', {}, chart);
    setText(title, metric.metric + (metric.unit ? ' (' + metric.unit + ')' : ''));
    [yMin, (yMin + yMax) / 2, yMax].forEach(function (v) {
      svg('line', {'class': 'grid', x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v)}, chart);
      var label = svg('text', {'class': 'label', x: LEFT - 4, y: y(v) + 3, 'text-anchor': 'end',
        'data-test': 'plot-y-label'}, chart);
      setText(label, axisLabel(v, metric.unit));
    });
    [[t0, 'start'], [(t0 + t1) / 2, 'middle'], [t1, 'end']].forEach(function (at) {
      var label = svg('text', {'class': 'label', x: x(at[0]), y: H - 6, 'text-anchor': at[1],
        'data-test': 'plot-x-label'}, chart);
      setText(label, clock(at[0], seconds));
    });
    if (!points.length) {
      var empty = svg('text', {'class': 'empty', x: (LEFT + W - RIGHT) / 2, y: (TOP + H - BOTTOM) / 2,
        'text-anchor': 'middle', 'data-test': 'plot-empty'}, chart);
      setText(empty, metric.error ? metric.error : 'no data in the last ' + snapshot.window);
      return;
    }
    var parts = runs(points);
    var d = [];
    parts.forEach(function (run) {
      if (run.some(function (p) {
        return p[2] !== p[3];
      })) {
        var band = run.map(function (p) {
          return x(p[0]) + ',' + y(p[3]);
        }).concat(run.slice().reverse().map(function (p) {
          return x(p[0]) + ',' + y(p[2]);
        }));
        svg('polygon', {'class': 'band', points: band.join(' ')}, chart);
      }
      if (run.length === 1) {
        svg('circle', {'class': 'dot', cx: x(run[0][0]), cy: y(run[0][1]), r: 1.5}, chart);
      }
      run.forEach(function (p, i) {
        d.push((i === 0 ? 'M' : 'L') + x(p[0]) + ' ' + y(p[1]));
      });
    });
    svg('path', {'class': 'line', d: d.join(' '), 'data-test': 'plot-line', 'data-points': points.length,
      'data-runs': parts.length}, chart);
    var last = points[points.length - 1];
    svg('circle', {'class': 'last', cx: x(last[0]), cy: y(last[1]), r: 2.5, fill: '#1f77b4'}, chart);
  }

  /** @return the figure of a metric: the server's, or a new one for a metric the page did not know */
  function figure(metric) {
    var found = find(plots, 'data-metric', metric.metric)[0];
    if (found) {
      return found;
    }
    var fig = document.createElement('figure');
    fig.setAttribute('class', 'stratum-plot');
    fig.setAttribute('data-test', 'metric-plot');
    fig.setAttribute('data-metric', metric.metric);
    var caption = document.createElement('figcaption');
    var name = document.createElement('strong');
    name.setAttribute('data-field', 'metric');
    setText(name, metric.metric);
    caption.appendChild(name);
    [['last', 'stratum-plot-last'], ['unit', 'stratum-note stratum-plot-unit']].forEach(function (f) {
      caption.appendChild(document.createTextNode(' '));
      var span = document.createElement('span');
      span.setAttribute('data-field', f[0]);
      span.setAttribute('class', f[1]);
      caption.appendChild(span);
    });
    caption.appendChild(document.createElement('br'));
    var description = document.createElement('small');
    description.setAttribute('data-field', 'description');
    caption.appendChild(description);
    fig.appendChild(caption);
    var chart = svg('svg', {'class': 'stratum-chart', 'data-field': 'chart', role: 'img'});
    chart.setAttribute('aria-label', metric.metric);
    fig.appendChild(chart);
    plots.appendChild(fig);
    return fig;
  }

  function updateMetrics(snapshot) {
    var shown = {};
    snapshot.metrics.forEach(function (m) {
      shown[m.metric] = true;
      var fig = figure(m);
      setText(field(fig, 'last'), m.last === null ? 'no data' : format(m.last, m.unit));
      var last = field(fig, 'last');
      if (last) {
        last.setAttribute('title', m.lastAt ? 'at ' + m.lastAt : '');
      }
      setText(field(fig, 'unit'), m.unit);
      setText(field(fig, 'description'), m.description);
      var chart = field(fig, 'chart');
      if (chart) {
        draw(chart, m, snapshot);
      }
    });
    find(plots, 'data-metric').forEach(function (fig) {
      if (!shown[attr(fig, 'data-metric')]) {
        setText(field(fig, 'last'), 'not reported now');
      }
    });
    var empty = byId('metrics-empty');
    if (empty) {
      empty.hidden = snapshot.metrics.length > 0;
    }
  }

  // --- the alerts' states

  function updateAlerts(snapshot) {
    var byName = {};
    snapshot.alerts.forEach(function (a) {
      byName[a.name] = a;
    });
    var changed = false;
    var rows = find(document, 'data-alert').filter(function (row) {
      return attr(row, 'data-test') === 'alert-row';
    });
    var known = {};
    rows.forEach(function (row) {
      var name = attr(row, 'data-alert');
      known[name] = true;
      var a = byName[name];
      if (!a) {
        changed = true; // deleted since the page was loaded
        return;
      }
      if (attr(row, 'data-state') !== a.state) {
        changed = true;
        row.setAttribute('data-state', a.state);
      }
      var cell = field(row, 'state');
      if (cell) {
        clear(cell);
        var span = document.createElement('span');
        span.setAttribute('class', 'stratum-state stratum-state-' + String(a.state).toLowerCase());
        setText(span, a.state);
        cell.appendChild(span);
      }
      setText(field(row, 'since'), a.since);
      setText(field(row, 'evaluatedAt'), a.evaluatedAt);
      setText(field(row, 'values'), a.values);
    });
    snapshot.alerts.forEach(function (a) {
      if (!known[a.name]) {
        changed = true; // created since the page was loaded
      }
    });
    var note = byId('alerts-changed');
    if (note && changed) {
      note.hidden = false;
    }
  }

  // --- polling

  function problem(text) {
    var el = byId('metrics-poll-error');
    if (el) {
      el.textContent = text;
      el.hidden = !text;
    }
  }

  function schedule(ms) {
    timer = window.setTimeout(poll, ms);
  }

  function poll() {
    timer = null;
    var mine = ++generation;
    var win = current;
    // from the page's origin: a page opened at a URL with credentials in it cannot fetch a relative URL
    var origin = window.location && window.location.origin && window.location.origin !== 'null'
      ? window.location.origin : '';
    fetch(origin + base + (base.indexOf('?') < 0 ? '?' : '&') + 'window=' + encodeURIComponent(win),
      {credentials: 'same-origin', cache: 'no-store', headers: {'Accept': 'application/json'}})
      .then(function (response) {
        return response.json().then(function (body) {
          return {status: response.status, body: body};
        });
      })
      .then(function (answer) {
        if (mine !== generation) {
          return; // the window was changed meanwhile: the newer request goes on
        }
        if (answer.status !== 200) {
          problem((answer.body && answer.body.message) || ('the console answered ' + answer.status));
          if (answer.status === 404 || answer.status === 403) {
            return; // gone, or not this user's to see: asking again does not help
          }
          failures++;
          schedule(Math.min(60000, 5000 * (failures + 1)));
          return;
        }
        failures = 0;
        problem('');
        setText(byId('metrics-status'), 'updated ' + answer.body.nowText);
        updateMetrics(answer.body);
        updateAlerts(answer.body);
        schedule(answer.body.refreshMillis || 5000);
      })
      .catch(function (error) {
        if (mine !== generation) {
          return;
        }
        failures++;
        problem('Lost contact with the console (' + error.message + '); trying again.');
        schedule(Math.min(60000, 5000 * (failures + 1)));
      });
  }

  function choose(win, href) {
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
    current = win;
    root.setAttribute('data-window', win);
    find(byId('metrics-windows'), 'data-window').forEach(function (link) {
      var active = attr(link, 'data-window') === win;
      link.setAttribute('class', active ? 'active' : '');
      if (active) {
        link.setAttribute('aria-current', 'true');
      } else {
        link.removeAttribute('aria-current');
      }
    });
    if (href && window.history && window.history.replaceState) {
      window.history.replaceState(null, '', href);
    }
    failures = 0;
    setText(byId('metrics-status'), 'loading...');
    poll();
  }

  var windows = byId('metrics-windows');
  if (windows) {
    find(windows, 'data-window').forEach(function (link) {
      link.addEventListener('click', function (event) {
        event.preventDefault();
        choose(attr(link, 'data-window'), attr(link, 'href'));
      });
    });
  }

  poll();
}());
