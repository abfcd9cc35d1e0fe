// The Sluice dashboard: plain DOM, no framework. Every value from the
// server goes into the page through textContent, never as markup: table
// names and rejected values are hostile input.
"use strict";

const state = { view: "estate", db: "", rejectTable: "", rejectAfter: 0 };
const fmt = new Intl.NumberFormat("en-US");

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k === "onclick") e.addEventListener("click", v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}
const num = (n) => el("td", { class: "num" }, fmt.format(n));
const when = (t) => (t ? new Date(t).toLocaleString() : "");

function bar(frac, big) {
  const b = el("span", { class: big ? "bar big" : "bar" }, el("span"));
  b.firstChild.style.width = (Math.max(0, Math.min(1, frac)) * 100).toFixed(1) + "%";
  return el("span", {}, b, " " + Math.floor(frac * 100) + "%");
}

function duration(s) {
  if (s < 0) return "unknown";
  if (s < 60) return Math.round(s) + " s";
  if (s < 3600) return Math.round(s / 60) + " min";
  return (s / 3600).toFixed(1) + " h";
}

async function api(path) {
  const sep = path.includes("?") ? "&" : "?";
  const r = await fetch(path + sep + "db=" + encodeURIComponent(state.db), { credentials: "same-origin" });
  if (!r.ok) throw new Error(path + ": " + r.status + " " + (await r.text()));
  return r.json();
}

function fill(tbody, rows) { tbody.replaceChildren(...rows); }

async function renderEstate() {
  const r = await fetch("/api/estate", { credentials: "same-origin" });
  if (!r.ok) throw new Error("estate: " + r.status);
  const estate = await r.json();
  const sel = document.getElementById("db");
  if (sel.options.length !== estate.databases.length) {
    sel.replaceChildren(...estate.databases.map((d) => el("option", { value: d.name }, d.name)));
    if (!state.db && estate.databases.length) state.db = estate.databases[0].name;
    sel.value = state.db;
  }
  const db = estate.databases.find((d) => d.name === state.db) || estate.databases[0];
  document.getElementById("sources").replaceChildren(
    ...estate.sources.map((s) => el("div", { class: "card" }, el("strong", {}, s.name), " ", el("span", { class: "muted" }, [s.engine, s.url].filter(Boolean).join(" ")))),
    ...estate.databases.map((d) => el("div", { class: "card" }, "target ", el("strong", {}, d.name), " ", el("span", { class: "muted" }, d.url))));
  if (!db) return;
  renderSummary(db);
  fill(document.querySelector("#tables tbody"), db.tables.map(tableRow));
  document.getElementById("retired").textContent = db.retired.length ? "No longer in the config (renamed or removed): " + db.retired.join(", ") : "";
  renderThroughput();
  if (state.view === "estate") await renderSync();
}

function renderSummary(db) {
  const s = document.getElementById("summary");
  if (db.error) { s.replaceChildren(el("span", { class: "bad" }, db.error)); return; }
  const t = db.total;
  const run = db.run;
  const states = Object.entries(t.tables).map(([k, v]) => v + " " + k).join(", ");
  s.replaceChildren(
    el("div", {}, run ? "run " + run.id + " (" + run.command + ") " : "no run yet ", run ? el("span", { class: "status-" + run.status, id: "run-status" }, run.status) : "",
      run ? "  started " + when(run.started_at) + " by " + run.user + "@" + run.host : "", run && run.finished_at ? ", finished " + when(run.finished_at) : ""),
    el("div", { id: "total" }, "this run ", bar(t.progress, true), "  ", fmt.format(t.read) + " of " + fmt.format(t.rows) + " rows read, " +
      fmt.format(t.written) + " loaded, " + fmt.format(t.rejected) + " rejected; " + fmt.format(Math.round(db.read_per_second)) + " rows/s; ETA " + duration(t.eta_seconds)),
    el("div", { class: "muted" }, "tables: " + states));
}

function tableRow(t) {
  const rejects = t.rejected > 0 ? el("button", { class: "link", onclick: () => openRejects(t.id) }, "rejects") : "";
  return el("tr", { "data-table": t.id },
    el("td", {}, t.id), el("td", {}, t.target), el("td", { class: "state-" + t.state, title: t.message }, t.state),
    el("td", { class: "progress" }, bar(t.progress)), num(t.source_rows), num(t.read), num(t.written), num(t.unchanged),
    num(t.rejected), num(t.filtered), el("td", { class: "num" }, t.chunks_done + "/" + t.chunks_estimated), el("td", {}, rejects));
}

async function renderThroughput() {
  const data = await api("/api/throughput?minutes=15");
  const w = 900, h = 120, pad = 4;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("width", w); svg.setAttribute("height", h); svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  const now = Date.now(), from = now - 15 * 60 * 1000;
  const peak = Math.max(1, ...data.points.map((p) => p.read));
  for (const p of data.points) {
    const x = pad + ((new Date(p.at).getTime() - from) / (now - from)) * (w - 2 * pad);
    const bh = (p.read / peak) * (h - 2 * pad);
    const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    r.setAttribute("x", x.toFixed(1)); r.setAttribute("y", (h - pad - bh).toFixed(1));
    r.setAttribute("width", Math.max(2, (w / 90) - 1).toFixed(1)); r.setAttribute("height", bh.toFixed(1)); r.setAttribute("fill", "#2f6feb");
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = new Date(p.at).toLocaleTimeString() + ": " + fmt.format(p.read) + " read, " + fmt.format(p.written) + " loaded";
    r.append(title); svg.append(r);
  }
  document.getElementById("throughput").replaceChildren(svg, el("div", { class: "muted" }, "peak " + fmt.format(peak) + " rows per " + data.step_seconds + " s"));
}

const svgNS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs) {
  const e = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
const lineColors = ["#2f6feb", "#b3261e", "#1f7a3d", "#9a6700", "#8250df", "#0a7f8f"];
const stateClass = (s) => "state-" + String(s).replace(/ /g, "-");

// renderSync shows the live sync: which side is authoritative first (what
// an on-call engineer must not get wrong), then the streams, their lag over
// time and the cutover readiness. Hidden while nothing streams.
async function renderSync() {
  const section = document.getElementById("sync");
  let v;
  try {
    v = await api("/api/sync");
  } catch (e) { // say so where the last answer was, rather than keep showing it
    if (!section.hidden) document.getElementById("authority").replaceChildren(el("span", { class: "bad" }, "live sync: " + (e.message || e)));
    return;
  }
  section.hidden = !v || (!v.streams.length && !v.cutover && !v.frozen.length);
  if (section.hidden) return;
  renderAuthority(v);
  fill(document.querySelector("#streams tbody"), v.streams.map((s) => el("tr", { "data-source": s.source },
    el("td", {}, s.source), el("td", { class: stateClass(s.state), title: s.message || "" }, s.state), el("td", { class: "raw" }, s.position),
    el("td", {}, when(s.applied_at)), el("td", { class: "num" }, s.lag_seconds.toFixed(1) + " s"),
    el("td", { class: "num" }, s.behind_bytes < 0 ? "-" : fmt.format(s.behind_bytes) + " B"), num(s.changes),
    num(Math.round(s.changes_per_second)), num(s.rejects),
    el("td", {}, Object.entries(s.stopped_tables).map(([t, why]) => t + " (" + why + ")").join(", ")))));
  renderLag(v.lag);
  fill(document.getElementById("readiness"), v.readiness.items.map((it) => el("li", { class: it.ok ? "ok" : "bad" },
    (it.ok ? "\u2713 " : "\u2717 ") + it.check, ...(it.problems.length ? [el("ul", { class: "problems" }, ...it.problems.map((p) => el("li", {}, p)))] : []))));
}

function renderAuthority(v) {
  const parts = [el("div", {}, "authoritative: ", el("span", { class: "side", id: "authoritative" }, v.authoritative),
    v.authoritative === "target" ? " (the application writes to the target)" : " (the application writes to the sources)")];
  if (v.cutover) {
    parts.push(el("div", {}, "cutover " + v.cutover.id + " phase ", el("strong", { id: "cutover-phase" }, v.cutover.phase),
      ", since " + when(v.cutover.started_at) + (v.cutover.freeze_seconds > 0 ? "; writes stopped " + duration(v.cutover.freeze_seconds) : "")));
  } else {
    parts.push(el("div", { class: "muted" }, "no cutover open"));
  }
  for (const f of v.frozen) {
    parts.push(el("div", { class: "frozen" }, "source " + f.source + " (" + f.engine + ") is " + f.status + " since " + when(f.frozen_at || f.since) +
      (f.position ? " at " + f.position : "")));
  }
  const box = document.getElementById("authority");
  box.className = "authority side-" + v.authoritative;
  box.replaceChildren(...parts);
}

function renderLag(lag) {
  const w = 900, h = 140, pad = 6;
  const svg = svgEl("svg", { width: w, height: h, viewBox: "0 0 " + w + " " + h });
  const now = Date.now(), from = now - lag.minutes * 60 * 1000;
  const peak = Math.max(1, ...lag.points.map((p) => p.lag_seconds));
  const x = (p) => (pad + ((new Date(p.at).getTime() - from) / (now - from)) * (w - 2 * pad)).toFixed(1);
  const y = (p) => (h - pad - (p.lag_seconds / peak) * (h - 2 * pad)).toFixed(1);
  const bySource = new Map();
  for (const p of lag.points) { if (!bySource.has(p.source)) bySource.set(p.source, []); bySource.get(p.source).push(p); }
  const legend = [];
  [...bySource].forEach(([source, points], i) => {
    const color = lineColors[i % lineColors.length];
    svg.append(svgEl("polyline", { points: points.map((p) => x(p) + "," + y(p)).join(" "), fill: "none", stroke: color, "stroke-width": 1.5 }));
    for (const p of points) {
      const dot = svgEl("circle", { cx: x(p), cy: y(p), r: 2.5, fill: color });
      const title = document.createElementNS(svgNS, "title");
      title.textContent = source + " " + new Date(p.at).toLocaleTimeString() + ": " + p.lag_seconds.toFixed(2) + " s late, " + fmt.format(p.changes) + " changes";
      dot.append(title); svg.append(dot);
    }
    const key = el("span", { class: "legend" }, "\u25A0 ", source, "  ");
    key.style.color = color;
    legend.push(key);
  });
  document.getElementById("lag").replaceChildren(svg, el("div", { class: "muted" }, lag.points.length ? "peak " + peak.toFixed(1) + " s  " : "no batch in the last hour  ", ...legend));
}

function openRejects(table) {
  state.rejectTable = table; state.rejectAfter = 0;
  document.querySelector("#reject-rows tbody").replaceChildren();
  location.hash = "#rejects";
  show("rejects");
  loadRejectRows();
}

async function renderRejects() {
  const data = await api("/api/rejects");
  fill(document.querySelector("#reject-groups tbody"), data.groups.map((g) => el("tr", {},
    el("td", {}, g.table_id), el("td", {}, g.column), el("td", {}, g.reason), num(g.rows),
    el("td", {}, el("button", { class: "link", onclick: () => openRejects(g.table_id) }, "rows")))));
}

async function loadRejectRows() {
  if (!state.rejectTable) return;
  const data = await api("/api/rejects/rows?limit=50&table=" + encodeURIComponent(state.rejectTable) + "&after=" + state.rejectAfter);
  document.getElementById("reject-title").textContent = "Rejected rows of " + state.rejectTable;
  const t = document.getElementById("reject-rows");
  t.hidden = false;
  t.tBodies[0].append(...data.rows.map((r) => el("tr", { class: "reject" },
    el("td", {}, r.key), el("td", {}, r.column), el("td", { class: "raw" }, r.raw_null ? "NULL" : r.raw_text),
    el("td", { class: "raw" }, r.raw_hex || ""), el("td", {}, r.reason), el("td", {}, r.run_id), el("td", {}, r.chunk_no))));
  if (data.rows.length) state.rejectAfter = data.rows[data.rows.length - 1].id;
  document.getElementById("reject-more").hidden = data.rows.length < 50;
}

async function renderVerify() {
  const data = await api("/api/verify");
  const levels = [1, 2, 3, 4, 5, 6];
  const byTable = new Map();
  for (const r of data.results) { if (!byTable.has(r.table_id)) byTable.set(r.table_id, {}); byTable.get(r.table_id)[r.level] = r; }
  const grid = document.getElementById("verify-grid");
  grid.tHead.replaceChildren(el("tr", {}, el("th", {}, "table"), ...levels.map((l) => el("th", {}, "level " + l))));
  fill(grid.tBodies[0], [...byTable].map(([id, ls]) => el("tr", {}, el("td", {}, id), ...levels.map((l) => {
    const r = ls[l];
    if (!r) return el("td", { class: "muted" }, "-");
    return el("td", { class: r.findings > 0 ? "bad" : "ok", title: (r.details && r.details.detail) || "" }, r.findings > 0 ? r.findings + " findings" : r.status);
  }))));
  const rows = [];
  for (const r of data.results) for (const f of (r.details && r.details.findings) || []) {
    rows.push(el("tr", {}, el("td", {}, r.table_id), el("td", {}, f.level), el("td", {}, f.check), el("td", {}, f.legacy_key || f.key || ""),
      el("td", {}, f.column || ""), el("td", { class: "raw" }, f.source_value || ""), el("td", { class: "raw" }, f.target_value || ""), el("td", {}, f.detail || "")));
  }
  fill(document.querySelector("#verify-findings tbody"), rows);
}

async function renderAudit() {
  const a = await api("/api/audit");
  const s = document.getElementById("audit-state");
  const head = a.head || { seq: 0 };
  const chain = !a.checked ? el("span", { class: "muted" }, "no entries yet")
    : a.intact ? el("span", { class: "ok", id: "audit-intact" }, "chain intact up to entry " + a.checked_to)
    : el("span", { class: "bad", id: "audit-intact" }, "chain broken at entry " + a.first_bad.seq + ": " + a.first_bad.kind + ": " + a.first_bad.detail);
  s.replaceChildren(el("div", {}, chain), el("div", {}, "head: entry " + head.seq + " " + (head.hash || "")),
    el("div", {}, head.signed_runs + " runs with a signed head (last signed entry " + head.signed_seq + "); check signatures with sluice audit verify --public-key"),
    el("div", { class: "muted" }, a.checked ? "recomputed " + when(a.checked_at) : ""));
  document.getElementById("audit-export").setAttribute("href", a.export || "#");
}

async function renderRuns() {
  const data = await api("/api/runs?limit=100");
  fill(document.querySelector("#runs tbody"), data.runs.map((r) => el("tr", {},
    el("td", {}, r.id), el("td", {}, r.command), el("td", { class: "status-" + r.status }, r.status), el("td", {}, when(r.started_at)),
    el("td", {}, when(r.finished_at)), el("td", {}, r.user + "@" + r.host + " (pid " + r.pid + ")"), el("td", { class: "raw" }, r.config_hash),
    el("td", {}, r.version), el("td", {}, r.message))));
}

const renderers = { estate: renderEstate, rejects: renderRejects, verify: renderVerify, audit: renderAudit, runs: renderRuns };

function show(view) {
  state.view = renderers[view] ? view : "estate";
  for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== "view-" + state.view;
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.view === state.view);
}

async function refresh() {
  try {
    if (state.view !== "estate") await renderEstate().catch(() => {});
    await renderers[state.view]();
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("updated").textContent = String(e.message || e);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  window.addEventListener("hashchange", () => { show(location.hash.slice(1)); refresh(); });
  document.getElementById("db").addEventListener("change", (e) => { state.db = e.target.value; refresh(); });
  document.getElementById("reject-more").addEventListener("click", loadRejectRows);
  show(location.hash.slice(1) || "estate");
  refresh();
  setInterval(refresh, 2000);
});
