// A zoomable SVG timeline (the page's JSON twin, bounded by the server): one lane per event
// type and one for dated relations.
// Marks that would collide in a lane are stacked into rows, recomputed at every zoom.
"use strict";

(async () => {
  const { el, clear, badge, sentenceCard, sentencesBehind, eventCard, fetchJSON, closable } = Factions;
  const svg = document.getElementById("timeline");
  const stage = svg.parentElement;
  const popover = document.getElementById("popover");
  const detail = document.getElementById("detail");
  const rangeLabel = document.getElementById("tl-range");
  const counts = document.getElementById("tl-counts");
  const errorBox = document.getElementById("tl-error");
  const NS = "http://www.w3.org/2000/svg";
  const LEFT = 190, RIGHT = 24, TOP = 36, ROW = 16, LANE_PAD = 14, MARK = 5;
  const DAY = 86400000;

  let data;
  try {
    data = await fetchJSON(svg.dataset.url);
  } catch (err) {
    errorBox.textContent = err.message;
    errorBox.hidden = false;
    data = { events: [], relations: [], events_total: 0 };
  }
  const time = (iso) => Date.parse(iso + "T00:00:00Z");
  const items = [
    ...data.events.map((e) => ({ kind: "event", lane: e.event_type, t: time(e.sort_date), item: e })),
    ...data.relations.filter((c) => c.since).map((c) => ({
      kind: "relation", lane: "Relations", t: time(c.since), end: c.until ? time(c.until) : null, item: c,
    })),
  ].sort((a, b) => a.t - b.t);
  const lanes = [...new Set(items.filter((i) => i.kind === "event").map((i) => i.lane))].sort();
  lanes.push("Relations");
  const dated = data.events.length;
  const eventsNote = data.events_total > data.events_limit
    ? `${dated} dated events among the earliest ${data.events_limit} of ${data.events_total}`
    : `${dated} dated events of ${data.events_total}`;
  const relationsNote = data.relations_complete === false
    ? (data.relations_chosen === "earliest"
      ? `${data.relations.length} dated relations among the earliest ${data.relations_seen} claims`
      : `${data.relations.length} dated relations among the ${data.relations_seen} heaviest`)
    : `${data.relations.length} dated relations`;
  const about = [data.actor_name, data.place_name].filter(Boolean).join(" · ");
  counts.textContent = `${about ? about + ": " : ""}showing ${eventsNote} and ${relationsNote}.`;

  const first = items.length ? items[0].t : Date.UTC(2000, 0, 1);
  const last = items.length ? Math.max(...items.map((i) => i.end || i.t)) : Date.UTC(2001, 0, 1);
  const full = [first - 180 * DAY, last + 180 * DAY];
  let view = [...full];

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function ticks(span) {
    const years = span / (365 * DAY);
    const startYear = new Date(view[0]).getUTCFullYear();
    const out = [];
    if (years > 2.5) {
      const step = Math.max(1, Math.ceil(years / 12));
      for (let y = startYear; Date.UTC(y, 0, 1) <= view[1]; y += 1) if (y % step === 0) out.push([Date.UTC(y, 0, 1), String(y)]);
    } else {
      const step = years > 1 ? 3 : 1;
      for (let y = startYear; Date.UTC(y, 0, 1) <= view[1]; y += 1) {
        for (let m = 0; m < 12; m += step) {
          const t = Date.UTC(y, m, 1);
          out.push([t, m === 0 ? String(y) : new Date(t).toLocaleString("en", { month: "short", timeZone: "UTC" })]);
        }
      }
    }
    return out.filter(([t]) => t >= view[0] && t <= view[1]);
  }

  // A mark's detail opens in a popover beside it, kept inside the visible part of the stage.
  const closePopover = closable(popover, () => { popover.dataset.for = ""; });
  document.getElementById("popover-close").addEventListener("click", closePopover);
  function place(anchor) {
    const box = anchor.getBoundingClientRect();
    const frame = stage.getBoundingClientRect();
    const width = popover.offsetWidth;
    const height = popover.offsetHeight;
    // Right of the mark when there is room, else left of it.
    let left = box.right - frame.left + 12;
    if (left + width > stage.clientWidth - 8) left = box.left - frame.left - width - 12;
    left = Math.max(8, Math.min(left, stage.clientWidth - width - 8));
    let top = box.top - frame.top + stage.scrollTop - 20;
    const lowest = stage.scrollTop + stage.clientHeight - height - 8;
    top = Math.max(stage.scrollTop + 8, Math.min(top, lowest));
    popover.style.left = `${left}px`;
    popover.style.top = `${top}px`;
  }

  let opened = 0;
  async function show(entry, anchor) {
    const mine = ++opened;
    clear(detail);
    popover.hidden = false;
    popover.dataset.for = entry.item.id;
    popover.scrollTop = 0;
    if (entry.kind === "event") {
      detail.append(eventCard(entry.item));
    } else {
      // A relation: its sentences are fetched when the reader asks, each once.
      const r = entry.item;
      detail.append(el("h2", {}, r.title), el("p", { class: "meta" }, badge(r.certainty),
        ` ${r.valid_from || r.since || ""}${r.valid_to ? " – " + r.valid_to : ""}`));
      const status = el("p", { class: "muted small" }, "Loading the sentences…");
      detail.append(status);
      place(anchor);
      try {
        const sentences = await sentencesBehind(r.claims);
        if (mine !== opened) return;
        status.remove();
        for (const sentence of sentences) detail.append(sentenceCard(sentence, true));
      } catch (err) {
        if (mine === opened) status.textContent = err.message;
      }
    }
    detail.querySelectorAll("details").forEach((d) => { d.open = true; });
    if (mine === opened) place(anchor);
  }

  function render() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const width = svg.clientWidth || 900;
    const x = (t) => LEFT + ((t - view[0]) / (view[1] - view[0])) * (width - LEFT - RIGHT);
    const visible = items.filter((i) => (i.end || i.t) >= view[0] && i.t <= view[1]);
    // Greedy row packing per lane, in pixels, so nothing overlaps at this zoom.
    const placed = new Map(lanes.map((l) => [l, []]));
    for (const entry of visible) {
      const rows = placed.get(entry.lane);
      const left = x(entry.t) - MARK - 2;
      const right = Math.max(x(entry.end || entry.t), x(entry.t)) + MARK + 2;
      let row = rows.findIndex((edge) => edge < left);
      if (row === -1) { row = rows.length; rows.push(right); } else rows[row] = right;
      entry.row = row;
    }
    let y = TOP;
    const laneTop = new Map();
    for (const lane of lanes) {
      const rows = Math.max(1, placed.get(lane).length);
      laneTop.set(lane, y);
      const height = rows * ROW + LANE_PAD;
      svg.append(svgEl("rect", { x: 0, y, width, height, class: lanes.indexOf(lane) % 2 ? "lane odd" : "lane" }));
      svg.append(svgEl("text", { x: 12, y: y + LANE_PAD / 2 + ROW - 3, class: "lane-label" }, lane));
      y += height;
    }
    svg.setAttribute("height", String(Math.max(y + 10, 300)));
    for (const [t, text] of ticks(view[1] - view[0])) {
      svg.append(svgEl("line", { x1: x(t), x2: x(t), y1: TOP - 8, y2: y, class: "grid" }));
      svg.append(svgEl("text", { x: x(t) + 3, y: TOP - 12, class: "tick-label" }, text));
    }
    for (const entry of visible) {
      const cy = laneTop.get(entry.lane) + LANE_PAD / 2 + entry.row * ROW + ROW / 2;
      const group = svgEl("g", { class: `mark ${entry.kind}`, tabindex: "0", "data-id": entry.item.id });
      let shape;
      if (entry.kind === "event") {
        shape = svgEl("circle", { cx: x(entry.t), cy, r: MARK + 1 });
        shape.style.fill = Factions.eventColour(entry.lane);
      } else {
        const x2 = entry.end ? Math.max(x(entry.end), x(entry.t) + 2 * MARK) : x(entry.t) + 2 * MARK;
        shape = svgEl("rect", { x: x(entry.t), y: cy - MARK, width: x2 - x(entry.t), height: 2 * MARK, rx: 3 });
        shape.style.fill = Factions.predicateColour(entry.item.predicate);
        if (entry.item.certainty !== "asserted") shape.classList.add("unasserted");
      }
      const title = entry.kind === "event"
        ? `${entry.item.date} · ${entry.item.sub_event_type}${entry.item.place_name ? " · " + entry.item.place_name : ""}`
        : `${entry.item.valid_from || entry.item.since}${entry.item.valid_to ? " – " + entry.item.valid_to : ""} · ${entry.item.title} (${entry.item.certainty})`;
      group.append(shape, svgEl("title", {}, title));
      group.addEventListener("click", () => show(entry, group));
      group.addEventListener("keydown", (ev) => { if (ev.key === "Enter") show(entry, group); });
      svg.append(group);
    }
    svg.dataset.items = String(visible.length);
    const fmt = (t) => new Date(t).toISOString().slice(0, 10);
    rangeLabel.textContent = `${fmt(view[0])} – ${fmt(view[1])} · ${visible.length} marks`;
  }

  function zoom(factor, centre) {
    const mid = centre ?? (view[0] + view[1]) / 2;
    const span = Math.min(full[1] - full[0], Math.max(20 * DAY, (view[1] - view[0]) * factor));
    const ratio = (mid - view[0]) / (view[1] - view[0]);
    let start = mid - ratio * span;
    start = Math.max(full[0], Math.min(start, full[1] - span));
    view = [start, start + span];
    render();
  }

  document.getElementById("zoom-in").addEventListener("click", () => zoom(0.5));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(2));
  document.getElementById("zoom-reset").addEventListener("click", () => { view = [...full]; render(); });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const width = svg.clientWidth;
    const t = view[0] + ((ev.offsetX - LEFT) / (width - LEFT - RIGHT)) * (view[1] - view[0]);
    zoom(ev.deltaY > 0 ? 1.25 : 0.8, Math.max(view[0], Math.min(view[1], t)));
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => { if (ev.target === svg || ev.target.classList.contains("lane")) drag = { x: ev.clientX, view: [...view] }; });
  window.addEventListener("pointerup", () => { drag = null; });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const perPixel = (drag.view[1] - drag.view[0]) / (svg.clientWidth - LEFT - RIGHT);
    const span = drag.view[1] - drag.view[0];
    let start = drag.view[0] - (ev.clientX - drag.x) * perPixel;
    start = Math.max(full[0], Math.min(start, full[1] - span));
    view = [start, start + span];
    render();
  });
  window.addEventListener("resize", render);
  render();
  svg.dataset.ready = "true";
})();
