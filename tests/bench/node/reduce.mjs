// reduce.mjs: the official JS path for the ingestion benchmark.
//
// usage: node reduce.mjs --url http://127.0.0.1:PORT --out STATE.json
//                        [--events N] [--sdk v2|v1]
//
// Subscribes to GET /event with the official SDK (@opencode-ai/sdk,
// createOpencodeClient + client.event.subscribe(), whose result has an async
// iterable `stream`) and applies every event to stores with the official
// app's semantics (packages/opencode TUI sync context): sessions sorted by id,
// messages per session sorted by id, parts per message sorted by id, upsert by
// id with a binary search, and message.part.delta appending `delta` to
// part[field].  Plain objects: no Solid store proxies, no rendering, so this is
// a lower bound on what the app spends.  Stops when the stream ends or after N
// events, writes {"sessions": {SID: {"info", "messages": [{"info", "parts"}]}}}
// to --out, and prints one line of JSON stats on stderr.
//
// The SDK is looked up next to this file first, then in BENCH_NODE_PREFIX
// (default ~/.cache/opencode-gtk/bench-node), where run-ingest.sh installs it.

import { readFileSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

function parseArgs(argv) {
  const args = { url: null, out: null, events: Infinity, sdk: "v2" }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === "--url") args.url = v()
    else if (a === "--out") args.out = v()
    else if (a === "--events") args.events = Number(v())
    else if (a === "--sdk") args.sdk = v()
    else throw new Error(`unknown argument ${a}`)
  }
  if (!args.url || !args.out) throw new Error("usage: reduce.mjs --url URL --out FILE [--events N] [--sdk v2|v1]")
  if (!(args.events > 0)) throw new Error("--events must be a positive number")
  if (args.sdk !== "v2" && args.sdk !== "v1") throw new Error("--sdk is v2 or v1")
  return args
}

async function loadSdk(flavor) {
  const subpath = flavor === "v2" ? "./v2/client" : "./client"
  try {
    const mod = await import(`@opencode-ai/sdk${subpath.slice(1)}`)
    return { mod, version: "local" }
  } catch (e) {
    if (e.code !== "ERR_MODULE_NOT_FOUND") throw e
  }
  const prefix = process.env.BENCH_NODE_PREFIX || join(homedir(), ".cache", "opencode-gtk", "bench-node")
  const pkgDir = join(prefix, "node_modules", "@opencode-ai", "sdk")
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"))
  const entry = pkg.exports[subpath].import
  const mod = await import(pathToFileURL(join(pkgDir, entry)).href)
  return { mod, version: pkg.version }
}

// Binary.search of @opencode-ai/util: index of id, or where it would go.
function search(array, id) {
  let lo = 0
  let hi = array.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const midId = array[mid].id
    if (midId === id) return { found: true, index: mid }
    if (midId < id) lo = mid + 1
    else hi = mid - 1
  }
  return { found: false, index: lo }
}

function upsert(array, item) {
  const r = search(array, item.id)
  if (r.found) array[r.index] = item // reconcile(): the stored value becomes item
  else array.splice(r.index, 0, item)
}

function remove(array, id) {
  if (!array) return
  const r = search(array, id)
  if (r.found) array.splice(r.index, 1)
}

const store = {
  session: [], // sorted by id
  session_status: {}, // sessionID -> status
  message: {}, // sessionID -> Message[] sorted by id
  part: {}, // messageID -> Part[] sorted by id
  todo: {},
  session_diff: {},
  permission: {},
  question: {},
}

function apply(event) {
  const p = event.properties
  switch (event.type) {
    case "session.created":
    case "session.updated":
      upsert(store.session, p.info)
      break
    case "session.deleted": {
      remove(store.session, p.info.id)
      for (const m of store.message[p.info.id] ?? []) delete store.part[m.id]
      delete store.message[p.info.id]
      break
    }
    case "session.status":
      store.session_status[p.sessionID] = p.status
      break
    case "session.diff":
      store.session_diff[p.sessionID] = p.diff
      break
    case "todo.updated":
      store.todo[p.sessionID] = p.todos
      break
    case "message.updated": {
      const messages = store.message[p.info.sessionID]
      if (!messages) store.message[p.info.sessionID] = [p.info]
      else upsert(messages, p.info)
      break
    }
    case "message.removed":
      remove(store.message[p.sessionID], p.messageID)
      delete store.part[p.messageID]
      break
    case "message.part.updated": {
      const parts = store.part[p.part.messageID]
      if (!parts) store.part[p.part.messageID] = [p.part]
      else upsert(parts, p.part)
      break
    }
    case "message.part.delta": {
      const parts = store.part[p.messageID]
      if (!parts) break
      const r = search(parts, p.partID)
      if (!r.found) break
      const part = parts[r.index]
      part[p.field] = (part[p.field] ?? "") + p.delta
      break
    }
    case "message.part.removed":
      remove(store.part[p.messageID], p.partID)
      break
    case "permission.asked":
      upsert((store.permission[p.sessionID] ??= []), p)
      break
    case "permission.replied":
      remove(store.permission[p.sessionID], p.requestID)
      break
    case "question.asked":
      upsert((store.question[p.sessionID] ??= []), p)
      break
    case "question.replied":
    case "question.rejected":
      remove(store.question[p.sessionID], p.requestID)
      break
    default:
      break // server.*, file.*, plugin.*, ...: not state
  }
}

function snapshot() {
  const sessions = {}
  const seen = new Set()
  const entry = (id, info) => ({
    info,
    messages: (store.message[id] ?? []).map((m) => ({ info: m, parts: store.part[m.id] ?? [] })),
  })
  for (const s of store.session) {
    sessions[s.id] = entry(s.id, s)
    seen.add(s.id)
  }
  // messages of a session never announced (should not happen with gen-stream)
  for (const id of Object.keys(store.message).sort()) if (!seen.has(id)) sessions[id] = entry(id, null)
  return { sessions }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const sdk = await loadSdk(args.sdk)
  const client = sdk.mod.createOpencodeClient({ baseUrl: args.url })

  let sseError = null
  const options = {
    sseMaxRetryAttempts: 1, // the SDK retries forever by default, silently
    onSseError: (e) => (sseError = e),
  }
  const t0 = performance.now()
  const sub =
    args.sdk === "v2" ? await client.event.subscribe(undefined, options) : await client.event.subscribe(options)

  let n = 0
  let tFirst = 0
  let nonObjects = 0
  for await (const event of sub.stream) {
    if (n === 0) tFirst = performance.now()
    n++
    if (event && typeof event === "object") apply(event)
    else nonObjects++ // the SDK yields the raw string when JSON.parse fails
    if (n >= args.events) break
  }
  const tEnd = performance.now()

  const state = snapshot()
  writeFileSync(args.out, JSON.stringify(state))
  const tOut = performance.now()

  const mem = process.memoryUsage()
  const stats = {
    sdk: `${sdk.version} ${args.sdk}`,
    events: n,
    seconds: +((tEnd - t0) / 1000).toFixed(3),
    events_per_s: Math.round(n / ((tEnd - t0) / 1000)),
    first_event_ms: n ? +(tFirst - t0).toFixed(1) : null,
    dump_seconds: +((tOut - tEnd) / 1000).toFixed(3),
    heap_used_mb: +(mem.heapUsed / 1048576).toFixed(1),
    rss_mb: +(mem.rss / 1048576).toFixed(1),
  }
  if (nonObjects) stats.non_json_frames = nonObjects
  if (sseError) stats.sse_error = String(sseError?.cause ?? sseError)
  process.stderr.write(JSON.stringify(stats) + "\n")
  if (args.events !== Infinity && n < args.events) {
    process.stderr.write(`reduce.mjs: stream ended after ${n} of ${args.events} events\n`)
    process.exit(3)
  }
  if (sseError) process.exit(4)
  // the SDK may keep the socket open after a break: don't wait for it
  process.exit(0)
}

main().catch((e) => {
  process.stderr.write(`reduce.mjs: ${e?.stack ?? e}\n`)
  process.exit(1)
})
