// The events map: filters run in the browser over the map's JSON twin.
"use strict";

(async () => {
  const { el, clear, eventCard, fetchJSON, label } = Factions;
  const container = document.getElementById("map");
  const countLabel = document.getElementById("map-count");
  const unplaced = document.getElementById("map-unplaced");
  const detail = document.getElementById("detail");
  const inputs = {
    from: document.getElementById("date-from"),
    to: document.getElementById("date-to"),
    actor: document.getElementById("actor"),
    type: document.getElementById("event-type"),
  };

  const map = await WorldMap.create(container);
  const { events } = await fetchJSON(container.dataset.url);
  const located = events.filter((e) => e.lat !== null && e.lon !== null);

  const actors = new Map();
  for (const e of events) for (const p of e.participants) actors.set(p.id, p.name);
  [...actors].sort((a, b) => a[1].localeCompare(b[1]))
    .forEach(([id, name]) => inputs.actor.append(el("option", { value: id }, name)));
  const types = [...new Set(events.map((e) => e.event_type))].sort();
  types.forEach((t) => inputs.type.append(el("option", { value: t }, t)));
  const legend = document.getElementById("legend");
  for (const t of types) {
    const swatch = el("span", { class: "swatch round" });
    swatch.style.backgroundColor = Factions.eventColour(t);
    legend.append(el("li", {}, swatch, t));
  }
  const dated = events.map((e) => e.sort_date).filter(Boolean).sort();
  if (dated.length) { inputs.from.min = inputs.to.min = dated[0]; inputs.from.max = inputs.to.max = dated.at(-1); }

  const layer = L.featureGroup().addTo(map);
  function matches(e) {
    if (inputs.from.value && (!e.sort_date || e.sort_date < inputs.from.value)) return false;
    if (inputs.to.value && (!e.sort_date || e.sort_date > inputs.to.value)) return false;
    if (inputs.actor.value && !e.participants.some((p) => p.id === inputs.actor.value)) return false;
    return !inputs.type.value || e.event_type === inputs.type.value;
  }
  function show(e) {
    clear(detail);
    detail.append(el("h2", {}, label(e.event_type)), eventCard(e));
    detail.querySelectorAll("details").forEach((d) => { d.open = true; });
  }
  function update(fit) {
    layer.clearLayers();
    let shown = 0;
    for (const e of located) {
      if (!matches(e)) continue;
      shown += 1;
      const tip = el("span", {}, `${e.date || "undated"} · ${e.sub_event_type}${e.place_name ? " · " + e.place_name : ""}`);
      WorldMap.marker(e).bindTooltip(tip).on("click", () => show(e)).addTo(layer);
    }
    const missing = events.filter((e) => matches(e) && (e.lat === null || e.lon === null)).length;
    countLabel.textContent = String(shown);
    unplaced.textContent = missing ? `(${missing} more without a place)` : "";
    container.dataset.points = String(shown);
    if (fit && shown) map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 6 });
  }
  Object.values(inputs).forEach((input) => input.addEventListener("change", () => update(false)));
  update(true);
  container.dataset.ready = "true";
})();
