// The events map: the filters are asked of the server (/api/events), which answers one bounded
// page of the matching events and how many match in all.
"use strict";

(async () => {
  const { el, clear, eventCard, fetchJSON, flatEvent, debounce, label, EVENT_COLOURS } = Factions;
  const container = document.getElementById("map");
  const form = document.getElementById("map-filters");
  const countLabel = document.getElementById("map-count");
  const unplaced = document.getElementById("map-unplaced");
  const totalLabel = document.getElementById("map-total");
  const errorBox = document.getElementById("map-error");
  const detail = document.getElementById("detail");
  const names = document.getElementById("actor-names");
  const limit = Number(container.dataset.limit) || 500;
  const GRADES = ["asserted", "attributed", "reported", "alleged", "claimed", "unconfirmed", "denied", "speculative"];
  // Each input and the /api/events parameter it sets.
  const inputs = {
    from: document.getElementById("date-from"),
    to: document.getElementById("date-to"),
    actor: document.getElementById("actor"),
    place: document.getElementById("place"),
    type: document.getElementById("event-type"),
    min_certainty: document.getElementById("certainty"),
  };

  const types = Object.keys(EVENT_COLOURS);
  types.forEach((t) => inputs.type.append(el("option", { value: t }, t)));
  GRADES.forEach((g) => inputs.min_certainty.append(el("option", { value: g }, g)));
  for (const select of [inputs.type, inputs.min_certainty]) select.value = select.dataset.value || "";
  const legend = document.getElementById("legend");
  for (const t of types) {
    const swatch = el("span", { class: "swatch round" });
    swatch.style.backgroundColor = Factions.eventColour(t);
    legend.append(el("li", {}, swatch, t));
  }

  const map = await WorldMap.create(container);
  const layer = L.featureGroup().addTo(map);

  function show(e) {
    clear(detail);
    detail.append(el("h2", {}, label(e.event_type)), eventCard(e));
    detail.querySelectorAll("details").forEach((d) => { d.open = true; });
  }

  function filters() {
    const params = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  let asked = 0;
  async function load(fit) {
    const params = filters();
    const mine = ++asked;
    container.dataset.state = "loading";
    let page;
    try {
      page = await fetchJSON(`${container.dataset.api}?${params}&limit=${limit}&newest_first=true`);
    } catch (err) {
      if (mine !== asked) return;
      layer.clearLayers();
      errorBox.textContent = err.message;
      errorBox.hidden = false;
      countLabel.textContent = "0";
      unplaced.textContent = totalLabel.textContent = "";
      container.dataset.points = "0";
      container.dataset.state = "error";
      return;
    }
    if (mine !== asked) return;  // a later request has superseded this one
    errorBox.hidden = true;
    const events = page.events.map(flatEvent);
    layer.clearLayers();
    let shown = 0;
    for (const e of events) {
      if (e.lat === null || e.lon === null) continue;
      shown += 1;
      const tip = el("span", {}, `${e.date || "undated"} · ${e.sub_event_type}${e.place_name ? " · " + e.place_name : ""}${e.fatalities ? ` · ${e.fatalities} killed` : ""}`);
      WorldMap.marker(e).bindTooltip(tip).on("click", () => show(e)).addTo(layer);
    }
    WorldMap.labelPlaces(map, events);
    const missing = events.length - shown;
    countLabel.textContent = String(shown);
    unplaced.textContent = missing ? `(${missing} more without a place)` : "";
    totalLabel.textContent = page.total > events.length
      ? `Showing ${events.length} of ${page.total} events (the most recent); narrow the filters to see the rest.`
      : `${page.total} event${page.total === 1 ? "" : "s"} match.`;
    container.dataset.points = String(shown);
    container.dataset.total = String(page.total);
    if (fit && shown) map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 6, animate: false });
    const url = new URL(window.location.href);
    url.search = params.toString();
    if (limit !== 500) url.searchParams.set("limit", String(limit));
    window.history.replaceState(null, "", url);
    container.dataset.state = "ready";
  }

  // Actor names as the reader types, from /api/actors (most mentioned first).
  const suggest = debounce(async () => {
    const q = inputs.actor.value.trim();
    if (q.length < 2) return;
    try {
      const found = await fetchJSON(`/api/actors?q=${encodeURIComponent(q)}&limit=12`);
      clear(names);
      for (const actor of found.actors || []) names.append(el("option", { value: actor.name }));
    } catch (_) { /* suggestions are a convenience */ }
  }, 200);
  inputs.actor.addEventListener("input", suggest);

  for (const input of Object.values(inputs)) {
    input.addEventListener("change", () => {
      container.dataset.state = "loading";
      load(false);
    });
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(false); });
  await load(true);
  container.dataset.ready = "true";
})();
