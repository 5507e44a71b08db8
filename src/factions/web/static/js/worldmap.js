// An offline base map: country outlines from world-atlas drawn as a GeoJSON layer, no tiles.
"use strict";

const WorldMap = (() => {
  const PRECISE = new Set(["point", "district"]);

  async function create(container, options = {}) {
    const map = L.map(container, {
      zoomSnap: 0.25, worldCopyJump: false, attributionControl: true, ...options,
    });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Outlines: Natural Earth via world-atlas");
    const world = await Factions.fetchJSON(container.dataset.world || "/static/vendor/world-atlas/countries-50m.json");
    L.geoJSON(topojson.feature(world, world.objects.countries), {
      style: { color: "#94a3b8", weight: 0.7, fillColor: "#f8fafc", fillOpacity: 1 },
      interactive: false,
    }).addTo(map);
    map.setView([30, 50], 3);
    return map;
  }

  // Radius grows with the square root of fatalities, so area tracks the toll.
  function radius(event) {
    return 6 + 2.2 * Math.sqrt(Math.min(event.fatalities || 0, 400));
  }

  function marker(event) {
    const colour = Factions.eventColour(event.event_type);
    const precise = PRECISE.has(event.geo_precision);
    return L.circleMarker([event.lat, event.lon], {
      radius: radius(event),
      color: precise ? "#ffffff" : colour,
      weight: precise ? 1.5 : 2.5,
      dashArray: event.geo_precision === "country" || event.geo_precision === "region" ? "4 3" : null,
      fillColor: colour,
      fillOpacity: precise ? 0.85 : 0.18,
    });
  }

  return { create, marker, radius };
})();
