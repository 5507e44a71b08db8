// The profile's small map: this actor's located events (from /api/events) on the offline base map.
"use strict";

(async () => {
  const container = document.getElementById("mini-map");
  if (!container) return;
  const actor = encodeURIComponent(container.dataset.actor);
  let page;
  try {
    page = await Factions.fetchJSON(`${container.dataset.api}?actor=${actor}&limit=500`);
  } catch (_) {
    container.hidden = true;
    return;
  }
  const mine = page.events.map(Factions.flatEvent).filter((e) => e.lat !== null && e.lon !== null);
  if (!mine.length) { container.hidden = true; return; }
  const map = await WorldMap.create(container, { scrollWheelZoom: false });
  const layer = L.featureGroup().addTo(map);
  for (const e of mine) {
    const tip = Factions.el("span", {}, `${e.date || "undated"} · ${e.sub_event_type}${e.place_name ? " · " + e.place_name : ""}`);
    WorldMap.marker(e).bindTooltip(tip).on("click", () => { window.location.hash = `ev-${e.id}`; }).addTo(layer);
  }
  map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 6, animate: false });
  WorldMap.labelPlaces(map, mine);
  container.dataset.points = String(mine.length);
})();
