// The official web UI's side of run-vs-web.sh: drives Debian's chromium with
// playwright-core (installed by the script into a cache folder, passed in
// PLAYWRIGHT_CORE). Talks to vs-web.py with one JSON object a line: it
// writes events on stdout and reads commands on stdin.
//
//   node web-client.mjs open   URL DIRECTORY SESSION USER PASSWORD MARKER
//   node web-client.mjs stream URL DIRECTORY SESSION USER PASSWORD
//
// open: notes the time (epoch ms), launches the browser, opens the session's
// page and reports {"event": "seen"} with the time at which an animation
// frame first found MARKER's text on screen (see ON_SCREEN below); then
// waits for "close".
// stream: opens the session, reports {"event": "ready"} once the composer is
// there; "start" starts counting animation frames and the frames in which
// the page changed, "stop" reports them; then "close".

import { createRequire } from "node:module";
import readline from "node:readline";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");

const [mode, url, directory, session, user, password, marker] = process.argv.slice(2);
const WIDTH = Number(process.env.BENCH_WIDTH || 1180);
const HEIGHT = Number(process.env.BENCH_HEIGHT || 800);

function say(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

const commands = [];
let wake = null;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  commands.push(line.trim());
  if (wake) wake();
});
async function command() {
  while (commands.length === 0) await new Promise((r) => (wake = r));
  wake = null;
  return commands.shift();
}

// On each animation frame: is MARKER's text in the document, laid out with
// a non-empty box that overlaps the viewport? The time is the frame's
// callback time, as epoch milliseconds.
const ON_SCREEN = (marker) => {
  window.__benchSeen = null;
  function visible() {
    if (!document.body || !document.body.textContent.includes(marker)) return false;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(marker);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + marker.length);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
            r.top < window.innerHeight && r.left < window.innerWidth)
          return true;
      }
    }
    return false;
  }
  function frame(now) {
    if (visible()) {
      window.__benchSeen = performance.timeOrigin + now;
      return;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
};

// Frames while streaming: every animation frame, and those in which the
// document changed (a MutationObserver saw something since the last frame).
const COUNT_FRAMES = () => {
  const s = { frames: 0, changed: 0, dirty: false, on: true, t0: performance.now(), t1: 0 };
  window.__benchFrames = s;
  new MutationObserver(() => { s.dirty = true; })
    .observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  function frame() {
    if (!s.on) return;
    s.frames++;
    if (s.dirty) { s.changed++; s.dirty = false; }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
};

function sessionUrl() {
  return url + "/" + Buffer.from(directory).toString("base64url") + "/session/" + session;
}

async function main() {
  const t0 = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
  });
  const context = await browser.newContext({
    httpCredentials: { username: user, password },
    viewport: { width: WIDTH, height: HEIGHT },
  });
  const page = await context.newPage();
  let closed = false;
  say({ event: "launched", t0 });

  if (mode === "open") {
    await page.addInitScript(ON_SCREEN, marker);
    await page.goto(sessionUrl(), { waitUntil: "commit" });
    const handle = await page.waitForFunction(() => window.__benchSeen, null,
      { timeout: 120000, polling: 50 });
    const seen = await handle.jsonValue();
    say({ event: "seen", t0, seen, open_s: (seen - t0) / 1000 });
  } else if (mode === "stream") {
    await page.goto(sessionUrl(), { waitUntil: "load" });
    await page.waitForSelector("[contenteditable='true'], textarea", { timeout: 120000 });
    say({ event: "ready" });
    for (;;) {
      const c = await command();
      if (c === "start") {
        await page.evaluate(COUNT_FRAMES);
        say({ event: "started" });
      } else if (c === "stop") {
        const s = await page.evaluate(() => {
          const s = window.__benchFrames;
          s.on = false;
          return { frames: s.frames, changed: s.changed, seconds: (performance.now() - s.t0) / 1000 };
        });
        say({ event: "frames", ...s });
        break;
      } else if (c === "close") {
        closed = true;
        break;
      }
    }
  } else {
    throw new Error("unknown mode " + mode);
  }

  while (!closed)
    closed = (await command()) === "close";
  await browser.close();
  say({ event: "closed" });
}

main().catch((e) => {
  say({ event: "error", message: String(e && e.stack || e) });
  process.exit(1);
});
