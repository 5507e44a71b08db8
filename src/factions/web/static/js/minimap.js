// The profile's small map: this actor's located events on the offline base map.
"use strict";

(async () => {
  const container = document.getElementById("mini-map");
  if (!container) return;
  const { events } = await Factions.fetchJSON(container.dataset.events);
  const mine = events.filter((e) => e.lat !== null && e.participants.some((p) => p.id === container.dataset.actor));
  if (!mine.length) { container.hidden = true; return; }
  const map = await WorldMap.create(container, { scrollWheelZoom: false });
  const layer = L.featureGroup().addTo(map);
  for (const e of mine) {
    const tip = Factions.el("span", {}, `${e.date || "undated"} · ${e.sub_event_type}${e.place_name ? " · " + e.place_name : ""}`);
    WorldMap.marker(e).bindTooltip(tip).on("click", () => { window.location.hash = `ev-${e.id}`; }).addTo(layer);
  }
  map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 6 });
  container.dataset.points = String(mine.length);
})();
