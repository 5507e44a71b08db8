// An offline base map: country outlines from world-atlas drawn as a GeoJSON layer, no tiles.
// Country names (from the same outlines) label the map at low zoom, and the places of the
// events shown are labelled beside their dots; labels that would collide are left out.
"use strict";

const WorldMap = (() => {
  const PRECISE = new Set(["point", "district"]);
  const COUNTRY_ZOOM = 7;  // country names up to this zoom; past it the places speak

  // The largest ring of a (multi)polygon, its area and its centroid (planar, in degrees:
  // enough to put a name inside a country).
  function anchor(geometry) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    let best = null;
    for (const polygon of polygons) {
      const ring = polygon[0];
      let area = 0, cx = 0, cy = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
        area += cross;
        cx += (ring[j][0] + ring[i][0]) * cross;
        cy += (ring[j][1] + ring[i][1]) * cross;
      }
      if (!area) continue;
      const size = Math.abs(area / 2);
      if (!best || size > best.size) {
        const lons = ring.map((p) => p[0]);
        best = { size, lon: cx / (3 * area), lat: cy / (3 * area), west: Math.min(...lons), east: Math.max(...lons) };
      }
    }
    return best;
  }

  function labelIcon(className, text) {
    return L.divIcon({ className, iconSize: [0, 0], html: Factions.el("span", {}, text) });
  }

  // Show the labels whose boxes do not meet a label already shown, most important first.
  function declutter(map, labels, visible) {
    const taken = [];
    const size = map.getSize();
    for (const item of labels) {
      let show = visible(item);
      const at = map.latLngToContainerPoint([item.lat, item.lon]);
      // Only what is on screen is drawn.
      show = show && at.x >= 0 && at.y >= 0 && at.x <= size.x && at.y <= size.y;
      if (show) {
        const width = item.text.length * item.charWidth + 6;
        const box = item.centred
          ? [at.x - width / 2, at.y - 8, at.x + width / 2, at.y + 8]
          : [at.x + 6, at.y - 8, at.x + 8 + width, at.y + 8];
        show = !taken.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]);
        if (show) taken.push(box);
      }
      if (show && !map.hasLayer(item.marker)) item.marker.addTo(map);
      if (!show && map.hasLayer(item.marker)) item.marker.remove();
    }
  }

  async function create(container, options = {}) {
    const map = L.map(container, {
      zoomSnap: 0.25, worldCopyJump: false, attributionControl: true, ...options,
    });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Outlines and names: Natural Earth via world-atlas");
    const world = await Factions.fetchJSON(container.dataset.world || "/static/vendor/world-atlas/countries-50m.json");
    const countries = topojson.feature(world, world.objects.countries);
    L.geoJSON(countries, {
      style: { color: "#94a3b8", weight: 0.7, fillColor: "#f8fafc", fillOpacity: 1 },
      interactive: false,
    }).addTo(map);
    // Country names, largest countries first (they win a collision).
    const countryLabels = countries.features
      .map((f) => ({ name: f.properties && f.properties.name, at: f.geometry && anchor(f.geometry) }))
      .filter((c) => c.name && c.at)
      .sort((a, b) => b.at.size - a.at.size)
      .map((c) => ({
        text: c.name, lat: c.at.lat, lon: c.at.lon, west: c.at.west, east: c.at.east,
        charWidth: 7.5, centred: true,
        marker: L.marker([c.at.lat, c.at.lon], { icon: labelIcon("country-label", c.name), interactive: false, keyboard: false }),
      }));
    map.factionsPlaces = [];
    const relabel = () => {
      const zoom = map.getZoom();
      // A country is named when its outline is wide enough on screen to hold the name.
      declutter(map, [...map.factionsPlaces, ...countryLabels], (item) => {
        if (!item.centred) return true;
        if (zoom > COUNTRY_ZOOM) return false;
        const west = map.latLngToContainerPoint([item.lat, item.west]).x;
        const east = map.latLngToContainerPoint([item.lat, item.east]).x;
        return east - west >= item.text.length * item.charWidth * 0.8;
      });
      container.dataset.countryLabels = String(countryLabels.filter((c) => map.hasLayer(c.marker)).length);
      container.dataset.placeLabels = String(map.factionsPlaces.filter((p) => map.hasLayer(p.marker)).length);
    };
    map.factionsRelabel = relabel;
    map.on("zoomend moveend", relabel);
    map.setView([30, 50], 3);
    relabel();
    return map;
  }

  // The events' places, named beside their dots (the place with most events wins a collision).
  function labelPlaces(map, events) {
    for (const item of map.factionsPlaces || []) item.marker.remove();
    const places = new Map();
    for (const e of events) {
      if (e.lat === null || e.lon === null || !e.place_name) continue;
      const key = `${e.place_name}|${e.lat}|${e.lon}`;
      const found = places.get(key) || { text: e.place_name, lat: e.lat, lon: e.lon, count: 0, charWidth: 7 };
      found.count += 1;
      places.set(key, found);
    }
    map.factionsPlaces = [...places.values()]
      .sort((a, b) => b.count - a.count)
      .map((p) => ({ ...p, marker: L.marker([p.lat, p.lon], { icon: labelIcon("place-label", p.text), interactive: false, keyboard: false }) }));
    if (map.factionsRelabel) map.factionsRelabel();
  }

  // Radius grows with the logarithm of fatalities and stops at 18 px: a toll of thousands (a
  // cumulative figure, say) never covers a region; the tooltip gives the number.
  const MAX_RADIUS = 18;
  function radius(event) {
    const toll = Math.max(event.fatalities || 0, 0);
    return Math.min(MAX_RADIUS, 5 + 3.2 * Math.log10(1 + toll));
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

  return { create, marker, radius, labelPlaces, MAX_RADIUS };
})();
