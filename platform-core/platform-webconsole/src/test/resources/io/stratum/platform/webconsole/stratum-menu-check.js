// Runs the console's stratum.js (path in argv[2]) on a page whose console menu is a small DOM stand-in shaped as the
// Felix web console draws it (categories with sub-menus, a logout item), once for a user who may open only the
// Stratum pages and once for a platform admin, and checks which menu items are left. Exits non-zero with the reason
// when something differs.
'use strict';
const fs = require('fs');
const assert = require('assert');
const src = fs.readFileSync(process.argv[2], 'utf8');

function node(tag, attrs, children) {
  const n = {
    tag: tag, attrs: Object.assign({}, attrs), children: [], parentNode: null,
    get className() { return this.attrs['class'] || ''; },
    getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
    setAttribute(k, v) { this.attrs[k] = String(v); },
    appendChild(c) { c.parentNode = this; this.children.push(c); return c; },
    removeChild(c) { this.children.splice(this.children.indexOf(c), 1); c.parentNode = null; return c; },
    querySelectorAll(t) {
      const found = [];
      (function walk(x) { x.children.forEach(c => { if (c.tag === t) { found.push(c); } walk(c); }); })(this);
      return found;
    },
    addEventListener() {},
  };
  (children || []).forEach(c => n.appendChild(c));
  return n;
}
const item = (href, text, sub, cls) => node('li', {'class': cls || 'navMenuItem-0'},
  [node('a', {href: href}, []), ...(sub ? [node('ul', {}, sub)] : [])].map(x => { x.text = text; return x; }));

function page(scope) {
  const menu = node('ul', {id: 'navmenu'}, [
    item('#', 'Main', [item('/system/console/bundles', 'Bundles', null, 'navMenuItem-1'),
      item('/system/console/configMgr', 'Configuration', null, 'navMenuItem-1'),
      item('/system/console/gogo', 'Gogo', null, 'navMenuItem-1')]),
    item('#', 'Stratum', [item('/system/console/stratum', 'Stratum', null, 'navMenuItem-1')]),
    item('#', 'Web Console', [item('/system/console/stratumx', 'Lookalike', null, 'navMenuItem-1')]),
    item('/system/console/logout', 'Log out', null, 'logoutButton navMenuItem-0'),
  ]);
  const stratum = node('div', {id: 'stratum', 'data-root': '/system/console/stratum', 'data-console-scope': scope});
  const ids = {navmenu: menu, stratum: stratum};
  const document = {
    getElementById: id => ids[id] || null,
    querySelectorAll: () => [],
    createElement: tag => node(tag, {}, []),
  };
  new Function('document', 'window', 'fetch', src)(document, {setTimeout() {}, confirm: () => true}, null);
  const left = [];
  (function walk(x) {
    x.children.forEach(c => { if (c.tag === 'a') { left.push(c.attrs.href === '#' ? c.text : c.attrs.href); } walk(c); });
  })(menu);
  return left;
}

assert.deepStrictEqual(page('STRATUM'), ['Stratum', '/system/console/stratum', '/system/console/logout'],
  'a tenant sees only the Stratum pages and logout');
assert.deepStrictEqual(page('CONSOLE'), ['Main', '/system/console/bundles', '/system/console/configMgr',
  '/system/console/gogo', 'Stratum', '/system/console/stratum', 'Web Console', '/system/console/stratumx',
  '/system/console/logout'], 'an admin sees the whole menu');
console.log('OK');
