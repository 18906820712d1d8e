// The console's one stylesheet and one script, served from /console (CSP: 'self' only, no inline code).

export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --ok: #116329; --bad: #a40e26; --accent: #0a58ca; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
header { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); background: #f6f8fa; }
header .brand { margin: 0; font-weight: 600; }
header nav a { margin-right: 1rem; }
header nav a[aria-current="page"] { font-weight: 600; text-decoration: none; }
.sign-out { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
main { padding: 1rem 1.5rem 3rem; max-width: 1400px; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: .5rem; top: .5rem; background: #fff; padding: .3rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
h1 { font-size: 1.5rem; margin: .4rem 0 1rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem; margin: 0; }
.field { margin: .3rem 0; display: grid; gap: .1rem; } .field small { color: var(--muted); }
.check { margin: .3rem 0; }
input, select, button { font: inherit; padding: .25rem .4rem; }
button { cursor: pointer; border: 1px solid var(--line); border-radius: 6px; background: #f6f8fa; }
.actions { align-self: flex-end; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font-size: .85rem; max-width: 60ch; }
.tag { display: inline-block; border-radius: 1rem; padding: 0 .5rem; font-size: .8rem; border: 1px solid var(--line); }
.tag-denied { border-color: var(--bad); color: var(--bad); } .tag-held { border-color: #9a6700; color: #9a6700; } .tag-masked { border-color: var(--accent); color: var(--accent); }
.badge { display: inline-block; padding: .2rem .7rem; border-radius: 6px; color: #fff; }
.badge-verified { background: var(--ok); } .badge-failed { background: var(--bad); } .badge-unverified { background: var(--muted); }
.checks .pass strong { color: var(--ok); } .checks .fail strong { color: var(--bad); }
.verification.failed { border: 2px solid var(--bad); padding: 0 1rem; border-radius: 6px; }
.problem { border: 2px solid var(--bad); border-radius: 6px; padding: .2rem 1rem; margin-bottom: 1rem; }
.notice { border: 2px solid #9a6700; border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; }
.story { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
.story dt { font-weight: 600; } .story dd { margin: 0; }
.verdict-deny { color: var(--bad); font-weight: 600; } .verdict-hold { color: #9a6700; font-weight: 600; }
.none { color: var(--muted); }
#replay li { margin: .2rem 0; font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-word; }
#replay li:not(.shown) { display: none; }
#replay li.current { background: #fff8c5; }
.offset { color: var(--muted); }
.pager { display: flex; gap: 1.5rem; margin-top: .8rem; }
`;

export const CONSOLE_SCRIPT = `'use strict';
// Replay: the steps are all in the page (readable without this script); the controls reveal them one by one.
(function () {
  var list = document.getElementById('replay');
  var controls = document.querySelector('.replay-controls');
  if (!list || !controls) return;
  var steps = Array.prototype.slice.call(list.querySelectorAll('li'));
  var position = document.getElementById('replay-position');
  var shown = 0;
  var timer = null;
  function render() {
    steps.forEach(function (li, i) {
      li.classList.toggle('shown', i < shown);
      li.classList.toggle('current', i === shown - 1);
    });
    position.textContent = shown + ' / ' + steps.length;
    document.body.setAttribute('data-replay', String(shown));
  }
  function stop() { if (timer) { clearTimeout(timer); timer = null; } }
  function next() { if (shown < steps.length) { shown += 1; render(); } }
  document.getElementById('replay-step').addEventListener('click', function () { stop(); next(); });
  document.getElementById('replay-back').addEventListener('click', function () { stop(); if (shown > 0) { shown -= 1; render(); } });
  document.getElementById('replay-reset').addEventListener('click', function () { stop(); shown = 0; render(); });
  document.getElementById('replay-play').addEventListener('click', function () {
    stop();
    if (shown >= steps.length) shown = 0;
    (function tick() {
      next();
      if (shown >= steps.length) { timer = null; return; }
      // Real gaps between steps, each capped at a second, so a long session still plays in moments.
      var gap = Number(steps[shown].getAttribute('data-offset')) - Number(steps[shown - 1].getAttribute('data-offset'));
      timer = setTimeout(tick, Math.max(50, Math.min(1000, gap)));
    })();
  });
  controls.hidden = false;
  shown = 0;
  render();
})();
`;
