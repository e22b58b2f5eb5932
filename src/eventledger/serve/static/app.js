// eventledger UI. Scraped text is untrusted: every string reaches the page through
// textContent (see el()), never through innerHTML; links are built from our own ids only.
"use strict";

const PAGE = 50;
const state = { sort: "-date", offset: 0, selected: null, facets: null };
const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const link = (hash, text) => el("a", { href: hash }, text);
const articleLink = (id, text, ev) =>
  link(`#/article/${encodeURIComponent(id)}${ev ? "?ev=" + encodeURIComponent(ev) : ""}`, text || id);
const tag = (text, cls = "") => el("span", { class: `tag ${cls}` }, text);

// a pronoun says nothing on its own in a table: show the actor it was resolved to
const PRONOUNS = new Set(["it", "its", "he", "him", "his", "she", "her", "they", "them", "their", "we", "us", "i"]);

function actor(a) {
  if (!a) return "";
  const name = (a.name || "").replace(/^\[|\]$/g, "");
  const code = a.country ? `${a.country}${a.sector ? " " + a.sector : ""}` : "";
  if (code && PRONOUNS.has(name.toLowerCase())) return code;
  return code ? `${name} (${code})` : name;
}

async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) url.searchParams.set(key, value);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}

// Answers can arrive out of order; a view shows only its newest request's answer (null: overtaken).
const newest = {};
async function latest(view, path, params = {}) {
  const ticket = (newest[view] = (newest[view] || 0) + 1);
  const data = await api(path, params);
  return newest[view] === ticket ? data : null;
}

function showError(root, error) {
  root.replaceChildren(el("p", { class: "error" }, String(error.message || error)));
}

// --- routing -----------------------------------------------------------------------------
function route() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query || "");
  const parts = (path || "/").split("/").filter(Boolean).map(decodeURIComponent);
  const view = parts[0] || "events";
  for (const section of document.querySelectorAll("section.view")) section.hidden = true;
  for (const a of document.querySelectorAll("header nav a")) {
    const active = a.dataset.view === view || (view === "entity" && a.dataset.view === "entities")
      || (view === "article" && a.dataset.view === "articles");
    a.classList.toggle("active", active);
  }
  const show = (id) => { const s = $(`#view-${id}`); s.hidden = false; return s; };
  if (view === "article") return showArticle(show("article"), parts[1], params.get("ev"));
  if (view === "claims") return showClaims(show("claims"));
  if (view === "entities") return showEntities(show("entities"));
  if (view === "entity") return showEntity(show("entity"), parts[1]);
  if (view === "articles") return showArticles(show("articles"));
  show("events");
  if (map) map.invalidateSize();
}

// --- filters -----------------------------------------------------------------------------
function filters() {
  const data = {};
  for (const [key, value] of new FormData($("#filters"))) if (String(value).trim()) data[key] = String(value).trim();
  return data;
}

function fillSelect(select, values) {
  for (const value of values) {
    const [v, label] = Array.isArray(value) ? value : [value, value];
    select.appendChild(el("option", { value: v }, label));
  }
}

async function loadFacets() {
  const f = await api("/api/facets");
  state.facets = f;
  const form = $("#filters");
  fillSelect(form.elements.type, f.types);
  fillSelect(form.elements.status, f.statuses);
  fillSelect(form.elements.country, f.countries);
  fillSelect(form.elements.story, f.stories.map((s) => [s.story_id, s.label || s.story_id]));
  const health = await api("/api/health");
  $("#store-info").textContent =
    `${health.db}: ${health.counts.articles} articles, ${health.counts.events} events` +
    (health.writable ? " · writes enabled" : " · read-only");
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => { state.offset = 0; refreshAll(); }, 200);
}

function refreshAll() {
  return Promise.all([loadChart(), loadTable(), loadMap()]);
}

// --- chart -------------------------------------------------------------------------------
// Empty years and months get an empty slot, so the axis is time and gaps show as gaps.
function withGaps(periods, bucket) {
  if (bucket === "day" || periods.length < 2) return periods;
  const have = new Map(periods.map((p) => [p.period, p]));
  const index = (s) => bucket === "year" ? +s : +s.slice(0, 4) * 12 + (+s.slice(5, 7) - 1);
  const label = (i) => bucket === "year" ? String(i)
    : `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
  const [first, last] = [index(periods[0].period), index(periods[periods.length - 1].period)];
  if (last - first > 1200) return periods;
  const out = [];
  for (let i = first; i <= last; i++) {
    out.push(have.get(label(i)) || { period: label(i), total: 0, by_type: {} });
  }
  return out;
}

async function loadChart() {
  const root = $("#chart");
  const bucket = $("#bucket").value;
  let data;
  try { data = await latest("chart", "/api/timeline", { ...filters(), bucket }); } catch (e) { return showError(root, e); }
  if (!data) return;
  const periods = withGaps(data.periods, bucket);
  $("#chart-note").textContent = data.less_precise
    ? `${data.less_precise} events dated less precisely than a ${bucket} are not drawn` : "";
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  const width = Math.max(root.clientWidth || 800, 300), height = 170, bottom = 22, top = 8;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "events per period");
  root.replaceChildren(svg);
  if (!periods.length) {
    const t = document.createElementNS(NS, "text");
    t.setAttribute("x", 10); t.setAttribute("y", 30); t.textContent = "no dated events";
    svg.appendChild(t);
    return;
  }
  const max = Math.max(...periods.map((p) => p.total));
  const step = width / periods.length;
  const barWidth = Math.max(2, Math.min(40, step * 0.8));
  const labelEvery = Math.ceil(periods.length / Math.floor(width / 60));
  periods.forEach((p, i) => {
    if (i % labelEvery === 0) {
      const label = document.createElementNS(NS, "text");
      label.setAttribute("x", i * step + step / 2);
      label.setAttribute("y", height - 6);
      label.setAttribute("text-anchor", "middle");
      label.textContent = p.period;
      svg.appendChild(label);
    }
    if (!p.total) return;
    const h = ((height - bottom - top) * p.total) / max;
    const rect = document.createElementNS(NS, "rect");
    rect.setAttribute("class", "bar");
    rect.setAttribute("x", i * step + (step - barWidth) / 2);
    rect.setAttribute("y", height - bottom - h);
    rect.setAttribute("width", barWidth);
    rect.setAttribute("height", Math.max(h, 1));
    rect.dataset.period = p.period;
    const title = document.createElementNS(NS, "title");
    const types = Object.entries(p.by_type).map(([k, v]) => `${k} ${v}`).join(", ");
    title.textContent = `${p.period}: ${p.total} events (${types})`;
    rect.appendChild(title);
    rect.addEventListener("click", () => {
      const form = $("#filters");
      form.elements.date_from.value = p.period;
      form.elements.date_to.value = p.period;
      refreshSoon();
    });
    svg.appendChild(rect);
  });
}

// --- map ---------------------------------------------------------------------------------
let map = null, markers = null;

async function initMap() {
  const root = $("#map");
  if (!window.L || !window.topojson) {
    root.replaceChildren(el("p", { class: "error" }, "Map assets missing: run `make install` (npm packages)."));
    return;
  }
  map = L.map(root, { worldCopyJump: true, minZoom: 1 }).setView([30, 20], 2);
  map.attributionControl.addAttribution("Countries: Natural Earth via world-atlas");
  const world = await (await fetch("/vendor/world-atlas/countries-110m.json")).json();
  L.geoJSON(topojson.feature(world, world.objects.countries), {
    style: { className: "country", color: "#9aa3ad", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
  markers = L.featureGroup().addTo(map);
}

async function loadMap() {
  if (!map) return;
  let data;
  try { data = await latest("map", "/api/map", filters()); } catch (e) { return showError($("#map-note"), e); }
  if (!data) return;
  markers.clearLayers();
  const places = new Map();
  for (const p of data.items) {
    const key = `${p.lat.toFixed(3)},${p.lon.toFixed(3)}`;
    if (!places.has(key)) places.set(key, []);
    places.get(key).push(p);
  }
  for (const group of places.values()) {
    const first = group[0];
    const marker = L.circleMarker([first.lat, first.lon], {
      radius: Math.min(5 + Math.sqrt(group.length) * 2, 18), className: "event-marker",
      color: "#fff", weight: 1, fillColor: "#d9480f", fillOpacity: 0.75,
    });
    const popup = el("div", {},
      el("strong", {}, first.place || "?"), ` · ${group.length} event${group.length > 1 ? "s" : ""}`,
      el("ul", { class: "plain" }, group.slice(0, 12).map((p) => el("li", {},
        el("a", { href: "#/", on: { click: (ev) => { ev.preventDefault(); showEvidence(p.event_id); } } },
          `${p.date || "undated"} ${p.type}`), " ", tag(p.status, p.status)))));
    marker.bindPopup(popup);
    marker.bindTooltip(`${first.place || ""} (${group.length})`);
    markers.addLayer(marker);
    marker.getElement()?.setAttribute("data-place", first.place || "");
  }
  $("#map-note").textContent = `${data.total} geocoded events at ${places.size} places`;
  if (places.size) map.fitBounds(markers.getBounds().pad(0.3), { maxZoom: 6 });
}

// --- event table -------------------------------------------------------------------------
async function loadTable() {
  const body = $("#events tbody");
  let data;
  try {
    data = await latest("table", "/api/events", { ...filters(), sort: state.sort, limit: PAGE, offset: state.offset });
  } catch (e) { return showError(body, e); }
  if (!data) return;
  const rows = data.items.map((e) => {
    const row = el("tr", { class: "clickable", "data-event": e.event_id, on: { click: () => showEvidence(e.event_id) } },
      el("td", {}, e.date || ""), el("td", {}, e.type, e.mode ? el("div", { class: "muted" }, e.mode) : null),
      el("td", {}, actor(e.source)), el("td", {}, actor(e.target)),
      el("td", {}, e.location ? e.location.name : ""), el("td", {}, tag(e.status, e.status)),
      el("td", {}, e.killed ?? ""), el("td", {}, articleLink(e.article_id, e.title, e.event_id)));
    if (e.event_id === state.selected) row.classList.add("selected");
    return row;
  });
  body.replaceChildren(...rows);
  const last = Math.min(state.offset + PAGE, data.total);
  $("#event-count").textContent = data.total ? `${state.offset + 1}–${last} of ${data.total}` : "no events";
  $("#prev").disabled = state.offset === 0;
  $("#next").disabled = last >= data.total;
  for (const th of document.querySelectorAll("#events th[data-sort]")) {
    th.classList.toggle("sorted-asc", state.sort === th.dataset.sort);
    th.classList.toggle("sorted-desc", state.sort === "-" + th.dataset.sort);
  }
}

async function showEvidence(eventId) {
  state.selected = eventId;
  for (const row of document.querySelectorAll("#events tbody tr")) {
    row.classList.toggle("selected", row.dataset.event === eventId);
  }
  const root = $("#evidence");
  let e;
  try { e = await latest("evidence", `/api/events/${encodeURIComponent(eventId)}`); } catch (err) { return showError(root, err); }
  if (!e) return;
  const facts = [
    ["type", `${e.type}${e.mode ? " / " + e.mode : ""}`], ["source", actor(e.source)],
    ["target", actor(e.target)], ["date", e.date ? `${e.date} (${e.date_precision})` : "undated"],
    ["where", e.location ? `${e.location.name}${e.location.country ? " (" + e.location.country + ")" : ""}` : ""],
    ["killed / injured", `${e.killed ?? "–"} / ${e.injured ?? "–"}`],
    ["claimed by", actor(e.claimed_by)], ["confidence", e.confidence?.toFixed(2)],
  ].filter(([, v]) => v);
  const children = [
    el("div", {}, tag(e.status, e.status), " ", el("strong", {}, e.type)),
    el("blockquote", { class: "evidence-sentence" }, e.sentence),
    el("table", {}, el("tbody", {}, facts.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))))),
    el("p", {}, articleLink(e.article_id, `Open in the article: ${e.title || e.article_id}`, e.event_id)),
  ];
  if (e.fused_id) {
    try {
      const f = await api(`/api/fused/${encodeURIComponent(e.fused_id)}`);
      children.push(el("h3", {}, "The real-world event"), el("p", { class: "fused-line" }, `${f.date_label} · ${f.line}`));
      const others = f.evidence.filter((ev) => ev.event_id !== e.event_id);
      if (others.length) {
        children.push(el("h3", {}, "Other reports"), el("ul", {}, others.map((ev) => el("li", {},
          el("q", {}, ev.sentence), " — ", articleLink(ev.article_id, ev.title, ev.event_id)))));
      }
    } catch { /* the record above is enough */ }
  }
  root.replaceChildren(...children);
}

// --- article -----------------------------------------------------------------------------
async function showArticle(root, articleId, current) {
  root.replaceChildren(el("p", { class: "muted" }, "loading…"));
  let a;
  try { a = await api(`/api/articles/${encodeURIComponent(articleId)}`); } catch (e) { return showError(root, e); }
  const spans = [
    ...a.events.map((e) => ({ start: e.start, end: e.end, cls: "evidence", id: e.event_id, label: `${e.type} (${e.status})` })),
    ...a.claims.map((c) => ({ start: c.start, end: c.end, cls: "claim", id: c.claim_id, label: `claim: ${c.stance}` })),
  ].filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start);
  const cuts = [...new Set([0, a.text.length, ...spans.flatMap((s) => [s.start, s.end])])]
    .filter((x) => x >= 0 && x <= a.text.length).sort((x, y) => x - y);
  const text = el("div", { class: "article-text" });
  let currentMark = null;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = a.text.slice(from, to);
    const covering = spans.filter((s) => s.start <= from && s.end >= to);
    if (!covering.length) { text.appendChild(document.createTextNode(piece)); continue; }
    const classes = new Set(covering.map((s) => s.cls));
    const isCurrent = covering.some((s) => s.id === current);
    if (isCurrent) classes.add("current");
    const mark = el("mark", { class: [...classes].join(" "), title: covering.map((s) => s.label).join("; "),
      "data-ids": covering.map((s) => s.id).join(" ") }, piece);
    if (isCurrent && !currentMark) currentMark = mark;
    text.appendChild(mark);
  }
  const meta = [a.published && `published ${a.published}`, a.source, a.source_path, a.language && `language ${a.language}`,
    a.duplicate_of && `${a.duplicate_kind || "duplicate"} of ${a.duplicate_of}`].filter(Boolean).join(" · ");
  const url = /^https?:\/\//i.test(a.url || "") ? el("a", { href: a.url, rel: "noreferrer noopener", target: "_blank" }, a.url) : a.url;
  root.replaceChildren(
    el("h1", {}, a.title || a.article_id),
    el("p", { class: "muted" }, meta, url ? el("br") : null, url || null),
    el("p", { class: "muted" }, el("mark", { class: "evidence" }, "event evidence"), " ",
      el("mark", { class: "claim" }, "claim"), ` · ${a.events.length} events, ${a.claims.length} claims`),
    el("div", { class: "panel" }, text),
    el("div", { class: "panel removed" }, el("h2", {}, `Removed as junk (${(a.removed || []).length} lines)`),
      el("ul", {}, (a.removed || []).map((line) => el("li", {}, el("del", {}, line))))),
    el("div", { class: "panel" }, el("h2", {}, "Events in this article"),
      el("table", {}, el("tbody", {}, a.events.map((e) => el("tr", {},
        el("td", {}, articleLink(a.article_id, e.type, e.event_id)), el("td", {}, tag(e.status, e.status)),
        el("td", {}, actor(e.source)), el("td", {}, actor(e.target)), el("td", {}, e.date || "")))))),
  );
  if (currentMark) currentMark.scrollIntoView({ block: "center" });
}

// --- claims ------------------------------------------------------------------------------
function evidenceList(items) {
  if (!items.length) return el("p", { class: "muted" }, "no report in the ledger");
  return el("ul", { class: "plain" }, items.map((ev) => el("li", {},
    tag(ev.status, ev.status), " ", ev.claimed_by ? `${actor(ev.claimed_by)}: ` : "",
    el("q", {}, ev.sentence), " — ", articleLink(ev.article_id, ev.title, ev.event_id))));
}

async function showClaims(root) {
  const stance = el("select", { name: "stance" }, el("option", { value: "" }, "all"),
    ["assert", "deny", "accuse", "urge", "warn", "other"].map((s) => el("option", { value: s }, s)));
  const speaker = el("input", { type: "search", placeholder: "speaker contains", maxlength: "200" });
  const list = el("tbody");
  const count = el("span", { class: "muted" });
  async function loadClaims() {
    const data = await latest("claims", "/api/claims", { stance: stance.value, speaker: speaker.value, limit: 200 });
    if (!data) return;
    count.textContent = `${data.items.length} of ${data.total}`;
    list.replaceChildren(...data.items.map((c) => el("tr", {},
      el("td", {}, actor(c.speaker), c.speaker_text && c.speaker_text !== c.speaker?.name ? el("div", { class: "muted" }, c.speaker_text) : null),
      el("td", {}, tag(c.stance, c.stance === "deny" ? "denied" : ""), el("div", { class: "muted" }, c.verb)),
      el("td", {}, c.direct ? el("q", {}, c.content) : c.content),
      el("td", {}, articleLink(c.article_id, c.title)))));
  }
  stance.addEventListener("change", loadClaims);
  speaker.addEventListener("input", loadClaims);
  const contested = el("div");
  root.replaceChildren(
    el("h1", {}, "Claims"),
    el("div", { class: "panel" }, el("h2", {}, "Contested and denied events"),
      el("p", { class: "muted" }, "Each side with its own evidence."), contested),
    el("div", { class: "toolbar" }, el("label", {}, "stance", stance), el("label", {}, "speaker", speaker), count),
    el("div", { class: "panel" }, el("table", { id: "claims" },
      el("thead", {}, el("tr", {}, ["speaker", "stance", "content", "article"].map((h) => el("th", {}, h)))), list)),
  );
  try {
    const data = await api("/api/contested", { limit: 200 });
    contested.replaceChildren(...(data.items.length ? data.items.map((f) => el("div", { class: "card contested-event" },
      el("div", {}, tag(f.status, f.status), " ", el("strong", {}, f.date_label), " ", f.line),
      el("div", { class: "sides" },
        el("div", { class: "side asserted" }, el("h3", {}, "Says it happened",
          f.asserted_by.length ? `: ${f.asserted_by.map(actor).join(", ")}` : ""), evidenceList(f.asserted)),
        el("div", { class: "side denied" }, el("h3", {}, "Denies it",
          f.denied_by.length ? `: ${f.denied_by.map(actor).join(", ")}` : ""), evidenceList(f.denied)))))
      : [el("p", { class: "muted" }, "No party denies any event in this store.")]));
    await loadClaims();
  } catch (e) { showError(contested, e); }
}

// --- entities ----------------------------------------------------------------------------
async function showEntities(root) {
  const q = el("input", { type: "search", placeholder: "name", maxlength: "200" });
  const label = el("select", {}, el("option", { value: "" }, "all"),
    ["GPE", "LOC", "FAC", "ORG", "NORP", "PERSON"].map((l) => el("option", { value: l }, l)));
  const body = el("tbody");
  const count = el("span", { class: "muted" });
  async function load() {
    const data = await latest("entities", "/api/entities", { q: q.value, label: label.value, limit: 200 });
    if (!data) return;
    count.textContent = `${data.items.length} of ${data.total}`;
    body.replaceChildren(...data.items.map((e) => el("tr", {},
      el("td", {}, link(`#/entity/${encodeURIComponent(e.entity_id)}`, e.name)), el("td", {}, e.label),
      el("td", {}, e.country || ""), el("td", {}, e.mentions ?? ""),
      el("td", { class: "muted" }, (e.variants || []).filter((v) => v !== e.name).join(" · ")))));
  }
  q.addEventListener("input", load);
  label.addEventListener("change", load);
  root.replaceChildren(el("h1", {}, "Entities"),
    el("div", { class: "toolbar" }, el("label", {}, "search", q), el("label", {}, "label", label), count),
    el("div", { class: "panel" }, el("table", { id: "entities" }, el("thead", {}, el("tr", {},
      ["name", "label", "country", "mentions", "variants"].map((h) => el("th", {}, h)))), body)));
  try { await load(); } catch (e) { showError(body, e); }
}

function eventRows(events) {
  if (!events.length) return el("p", { class: "muted" }, "none");
  return el("table", {}, el("tbody", {}, events.map((e) => el("tr", {},
    el("td", {}, e.date || ""), el("td", {}, e.type), el("td", {}, tag(e.status, e.status)),
    el("td", {}, actor(e.source)), el("td", {}, actor(e.target)),
    el("td", {}, articleLink(e.article_id, e.title, e.event_id))))));
}

async function showEntity(root, entityId) {
  let e;
  try { e = await api(`/api/entities/${encodeURIComponent(entityId)}`); } catch (err) { return showError(root, err); }
  root.replaceChildren(
    el("h1", {}, e.name), el("p", { class: "muted" }, [e.label, e.country, e.sector, `${e.mentions ?? "?"} mentions`].filter(Boolean).join(" · ")),
    el("div", { class: "panel" }, el("h2", {}, "Variants"), el("ul", { class: "variants" }, (e.variants || []).map((v) => el("li", {}, v)))),
    el("div", { class: "panel" }, el("h2", {}, `Events as source (${e.as_source.length})`), eventRows(e.as_source)),
    el("div", { class: "panel" }, el("h2", {}, `Events as target (${e.as_target.length})`), eventRows(e.as_target)),
    el("div", { class: "panel" }, el("h2", {}, "Articles"), el("ul", {}, (e.article_ids || []).map((id) => el("li", {}, articleLink(id))))),
  );
}

// --- articles list -----------------------------------------------------------------------
async function showArticles(root) {
  let data;
  try { data = await api("/api/articles", { limit: 500 }); } catch (e) { return showError(root, e); }
  root.replaceChildren(el("h1", {}, `Articles (${data.total})`), el("div", { class: "panel" },
    el("table", {}, el("thead", {}, el("tr", {}, ["published", "title", "source", "events", "status"].map((h) => el("th", {}, h)))),
      el("tbody", {}, data.items.map((a) => el("tr", {},
        el("td", {}, a.published || ""), el("td", {}, articleLink(a.article_id, a.title)),
        el("td", { class: "muted" }, a.source || a.source_path), el("td", {}, a.n_events),
        el("td", {}, a.status === "ok" ? (a.duplicate_of ? tag(a.duplicate_kind || "duplicate") : "") : tag(a.skip_reason || a.status))))))));
}

// --- start -------------------------------------------------------------------------------
async function start() {
  const form = $("#filters");
  form.addEventListener("input", refreshSoon);
  form.addEventListener("submit", (e) => { e.preventDefault(); refreshSoon(); });
  form.addEventListener("reset", () => setTimeout(refreshSoon, 0));
  $("#bucket").addEventListener("change", loadChart);
  $("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadTable(); });
  $("#next").addEventListener("click", () => { state.offset += PAGE; loadTable(); });
  for (const th of document.querySelectorAll("#events th[data-sort]")) {
    th.addEventListener("click", () => {
      state.sort = state.sort === th.dataset.sort ? "-" + th.dataset.sort : th.dataset.sort;
      state.offset = 0;
      loadTable();
    });
  }
  window.addEventListener("hashchange", route);
  route();
  try { await loadFacets(); } catch (e) { showError($("#store-info"), e); }
  try { await initMap(); } catch (e) { showError($("#map"), e); }
  await refreshAll();
  document.body.dataset.ready = "1";
}

start();
