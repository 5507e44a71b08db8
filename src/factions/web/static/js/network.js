// The actor network as of a date. The server answers (/api/network, heaviest relations first);
// the time slider asks it again for the chosen year or month. An actor once drawn keeps its
// place across dates (hidden while absent), and only newcomers are laid out, beside the actors
// they relate to, so replaying time keeps the picture where the eye left it.
"use strict";

(async () => {
  const { el, clear, label, badge, claimCard, claimsBehind, debounce, fetchJSON, TYPE_COLOURS, TYPE_SHAPES } = Factions;
  const container = document.getElementById("graph");
  const slider = document.getElementById("as-of");
  const sliderLabel = document.getElementById("as-of-label");
  const stepSelect = document.getElementById("step");
  const count = document.getElementById("net-count");
  const totalLabel = document.getElementById("net-total");
  const errorBox = document.getElementById("net-error");
  const detail = document.getElementById("detail");
  const SYMMETRIC = new Set(["ally_of", "fights"]);
  const PLACE_TYPES = new Set(["location", "country", "region"]);
  const MAX_LABEL = 22;
  const limit = Number(container.dataset.limit) || 250;
  const first = container.dataset.first || "";
  const last = container.dataset.last || "";
  const short = (name) => (name.length > MAX_LABEL ? name.slice(0, MAX_LABEL - 1) + "…" : name);
  const edgeId = (e) => `${e.subject}\u001f${e.predicate}\u001f${e.object}`;

  const cy = cytoscape({
    container,
    elements: [],
    minZoom: 0.3,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "background-color": (n) => TYPE_COLOURS[n.data("type")] || "#6b7280",
        "shape": (n) => TYPE_SHAPES[n.data("type")] || "ellipse",
        "width": 22, "height": 22,
        "label": "data(label)", "font-size": 14, "font-family": "system-ui, sans-serif",
        "color": "#111827", "text-valign": "bottom", "text-margin-y": 4,
        "text-background-color": "#ffffff", "text-background-opacity": 0.85,
        "text-background-padding": 2, "text-background-shape": "roundrectangle",
        "border-width": 2, "border-color": "#ffffff",
      } },
      { selector: "node:selected", style: { "border-color": "#111827", "border-width": 3 } },
      { selector: "edge", style: {
        "width": 2.4, "curve-style": "bezier", "opacity": 0.85,
        "line-color": (e) => Factions.predicateColour(e.data("predicate")),
        "target-arrow-color": (e) => Factions.predicateColour(e.data("predicate")),
        "target-arrow-shape": "triangle", "arrow-scale": 1,
      } },
      { selector: "edge[directed = 'no']", style: { "target-arrow-shape": "none" } },
      { selector: "edge[asserted = 'no']", style: { "line-style": "dashed", "line-dash-pattern": [7, 5] } },
      { selector: "edge:selected", style: { "width": 5, "opacity": 1 } },
      { selector: ".absent, .filtered", style: { "display": "none" } },
    ],
  });

  // --- the slider: every year (or month) of the knowledge base, then "all dates" -------------
  function stopsFor(step) {
    if (!first || !last) return [];
    const stops = [];
    const [y0, m0] = [Number(first.slice(0, 4)), Number(first.slice(5, 7)) || 1];
    const [y1, m1] = [Number(last.slice(0, 4)), Number(last.slice(5, 7)) || 12];
    for (let y = y0; y <= y1; y += 1) {
      if (step === "year") { stops.push(String(y)); continue; }
      for (let m = y === y0 ? m0 : 1; m <= (y === y1 ? m1 : 12); m += 1) {
        stops.push(`${y}-${String(m).padStart(2, "0")}`);
      }
    }
    return stops;
  }
  let stops = [];
  function setStep(step, asOf) {
    stepSelect.value = step;
    stops = stopsFor(step);
    slider.max = String(stops.length);
    let index = stops.length;  // all dates
    if (asOf && stops.length) {
      // The first stop at or after the date asked for (the last one if it is later still).
      const key = step === "year" ? asOf.slice(0, 4) : asOf.slice(0, 7);
      const found = stops.findIndex((stop) => stop >= key);
      index = found >= 0 ? found : stops.length - 1;
    }
    slider.value = String(index);
    showLabel();
  }
  const currentAsOf = () => {
    const index = Number(slider.value);
    return index >= stops.length ? null : stops[index];
  };
  function showLabel() { sliderLabel.value = currentAsOf() || "all dates"; }

  const initial = container.dataset.asOf || "";
  setStep(initial.length >= 7 ? "month" : "year", initial || null);

  // --- filters: relations are asked of the server, actor types hide nodes here ---------------
  const predicateBox = document.getElementById("predicates");
  const typeBox = document.getElementById("types");
  function addCheckbox(fieldset, value, colour, name, checked, onChange) {
    if (fieldset.querySelector(`input[name=${name}][value="${CSS.escape(value)}"]`)) return;
    const box = el("input", { type: "checkbox", value, name, checked: checked ? "checked" : null });
    box.addEventListener("change", onChange);
    const swatch = el("span", { class: "swatch" });
    swatch.style.backgroundColor = colour(value);
    const item = el("label", { class: "check" }, box, swatch, label(value));
    // Keep the boxes in alphabetical order as new values arrive.
    const after = [...fieldset.querySelectorAll("label.check")]
      .find((other) => other.querySelector("input").value > value);
    fieldset.insertBefore(item, after || null);
  }
  const boxes = (name) => [...document.querySelectorAll(`input[name=${name}]`)];
  const checked = (name) => new Set(boxes(name).filter((b) => b.checked).map((b) => b.value));

  // --- asking the server ----------------------------------------------------------------------
  let asked = 0;
  const edgeInfo = new Map();
  const placed = new Set();  // nodes that have a position from a layout

  async function load() {
    const asOf = currentAsOf();
    const params = new URLSearchParams({ limit: String(limit) });
    if (asOf) params.set("as_of", asOf);
    const predicates = boxes("predicate");
    const wanted = predicates.filter((b) => b.checked).map((b) => b.value);
    if (predicates.length && wanted.length < predicates.length) {
      wanted.forEach((p) => params.append("predicate", p));
    }
    const mine = ++asked;
    container.dataset.state = "loading";
    let data;
    if (predicates.length && !wanted.length) {
      data = { nodes: [], edges: [], total_edges: 0 };
    } else {
      try {
        data = await fetchJSON(`${container.dataset.api}?${params}`);
      } catch (err) {
        if (mine !== asked) return;
        errorBox.textContent = err.message;
        errorBox.hidden = false;
        container.dataset.state = "error";
        return;
      }
    }
    if (mine !== asked) return;  // a later request has superseded this one
    errorBox.hidden = true;
    draw(data);
    const url = new URL(window.location.href);
    if (asOf) url.searchParams.set("as_of", asOf); else url.searchParams.delete("as_of");
    window.history.replaceState(null, "", url);
    container.dataset.asOf = asOf || "";
    container.dataset.state = "ready";
  }
  const loadSoon = debounce(load, 250);

  function draw(data) {
    for (const edge of data.edges) {
      addCheckbox(predicateBox, edge.predicate, Factions.predicateColour, "predicate", true, load);
    }
    for (const node of data.nodes) {
      const type = node.type || "unknown";
      addCheckbox(typeBox, type, (t) => TYPE_COLOURS[t] || "#6b7280", "type", !PLACE_TYPES.has(type), filter);
    }
    const present = new Set(data.nodes.map((n) => n.id));
    const wantedEdges = new Map(data.edges.map((e) => [edgeId(e), e]));
    edgeInfo.clear();
    cy.batch(() => {
      cy.edges().forEach((edge) => { if (!wantedEdges.has(edge.id())) edge.remove(); });
      for (const n of data.nodes) {
        const node = cy.getElementById(n.id);
        const fields = { id: n.id, name: n.name, label: short(n.name), type: n.type || "unknown" };
        if (node.empty()) cy.add({ group: "nodes", data: fields });
        else node.data(fields);
      }
      cy.nodes().forEach((node) => node.toggleClass("absent", !present.has(node.id())));
      for (const [id, e] of wantedEdges) {
        edgeInfo.set(id, e);
        const fields = {
          id, source: e.subject, target: e.object, predicate: e.predicate,
          asserted: e.certainty === "asserted" ? "yes" : "no",
          directed: SYMMETRIC.has(e.predicate) ? "no" : "yes",
        };
        const edge = cy.getElementById(id);
        if (edge.empty()) cy.add({ group: "edges", data: fields });
        else edge.data(fields);
      }
    });
    const shown = data.edges.length;
    totalLabel.textContent = data.total_edges > shown
      ? `· showing ${shown} of ${data.total_edges} relations (the heaviest)` : "";
    container.dataset.shown = String(shown);
    container.dataset.total = String(data.total_edges);
    filter();
  }

  // Hide what the type boxes exclude; an actor shows only with a visible relation.
  function filter() {
    const types = checked("type");
    const live = new Set();
    let edges = 0;
    cy.batch(() => {
      cy.edges().forEach((edge) => {
        const visible = types.has(edge.source().data("type")) && types.has(edge.target().data("type"));
        edge.toggleClass("filtered", !visible);
        if (visible) { edges += 1; live.add(edge.source().id()); live.add(edge.target().id()); }
      });
      cy.nodes().forEach((node) => node.toggleClass("filtered", !live.has(node.id())));
    });
    arrange();
    count.textContent = `${live.size} actors, ${edges} relations`;
    container.dataset.nodes = String(live.size);
    container.dataset.edges = String(edges);
  }

  const visibleNodes = () => cy.nodes().not(".absent, .filtered");

  // Lay out actors seen for the first time; the others stay where they are.
  function arrange() {
    const nodes = visibleNodes();
    const fresh = nodes.filter((n) => !placed.has(n.id()));
    if (!fresh.length) return;
    const visible = cy.elements().not(".absent, .filtered");
    const kept = nodes.filter((n) => placed.has(n.id()));
    if (!kept.length) {
      // The first picture: seeded with a circle so the force layout is the same on every load.
      visible.layout({ name: "circle" }).run();
    } else {
      const box = kept.boundingBox();
      const centre = { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
      const ring = Math.max(box.w, box.h) / 2 + 80;
      fresh.forEach((node, i) => {
        const friends = node.neighborhood("node").filter((n) => placed.has(n.id()));
        const angle = i * 2.39996;  // the golden angle spreads newcomers evenly
        if (friends.length) {
          const at = friends.reduce((sum, n) => ({ x: sum.x + n.position("x"), y: sum.y + n.position("y") }), { x: 0, y: 0 });
          node.position({ x: at.x / friends.length + 60 * Math.cos(angle), y: at.y / friends.length + 60 * Math.sin(angle) });
        } else {
          node.position({ x: centre.x + ring * Math.cos(angle), y: centre.y + ring * Math.sin(angle) });
        }
      });
      kept.lock();
    }
    visible.layout({
      name: "cose", randomize: false, animate: false, fit: false, nodeDimensionsIncludeLabels: false,
      nodeRepulsion: () => 12000, idealEdgeLength: () => 70, edgeElasticity: () => 100,
      nodeOverlap: 10, componentSpacing: 30, gravity: 2, numIter: 2500, padding: 30,
    }).run();
    cy.nodes().unlock();
    fresh.forEach((node) => { placed.add(node.id()); });
    separateLabels(visibleNodes());
    cy.fit(visibleNodes(), 30);
    // A handful of actors would fill the stage with giant labels: keep them at a reading size.
    if (cy.zoom() > 1) { cy.zoom(1); cy.center(visibleNodes()); }
  }

  slider.addEventListener("input", () => {
    showLabel();
    container.dataset.state = "loading";
    loadSoon();
  });
  stepSelect.addEventListener("change", () => {
    // Keep the date under the slider, said at the new step (2011-06 -> 2011; 2011 -> 2011-01).
    const asOf = currentAsOf();
    const moved = asOf && (stepSelect.value === "year" ? asOf.slice(0, 4) : (asOf.length === 4 ? `${asOf}-01` : asOf));
    setStep(stepSelect.value, moved);
    load();
  });

  cy.on("tap", "node", (event) => {
    window.location.href = `/actors/${encodeURIComponent(event.target.id())}`;
  });
  let opened = 0;
  cy.on("tap", "edge", async (event) => {
    const info = edgeInfo.get(event.target.id());
    if (!info) return;
    const mine = ++opened;
    clear(detail);
    const reported = info.first_reported
      ? ` · reported ${info.first_reported}${info.last_reported !== info.first_reported ? " – " + info.last_reported : ""}` : "";
    detail.append(
      el("h2", {}, `${info.subject_name} · ${label(info.predicate)} · ${info.object_name}`),
      el("p", { class: "meta" }, badge(info.certainty), ` ${info.weight} sentence${info.weight === 1 ? "" : "s"} in ${info.documents} document${info.documents === 1 ? "" : "s"}${reported}`),
    );
    if (info.speakers.length) detail.append(el("p", { class: "meta" }, `According to ${info.speakers.join(", ")}`));
    const status = el("p", { class: "muted small" }, "Loading the claims and their sentences…");
    detail.append(status);
    try {
      const claims = await claimsBehind(info.claims);
      if (mine !== opened) return;
      status.remove();
      for (const claim of claims) detail.append(claimCard(claim));
      detail.querySelectorAll("details").forEach((d) => { d.open = true; });
    } catch (err) {
      if (mine === opened) status.textContent = err.message;
    }
  });

  // Tests and screenshots read this: label boxes that overlap at the current zoom.
  window.factionsNetwork = { cy, labelOverlaps, edgeInfo };
  await load();
  container.dataset.ready = "true";
})();

// Force layouts space nodes, not their labels: nudge apart any two whose label boxes meet,
// along the axis where they overlap least, until none do (or we give up).
function separateLabels(nodes, rounds = 200, gap = 6) {
  for (let round = 0; round < rounds; round += 1) {
    let moved = false;
    const boxes = nodes.map((n) => n.boundingBox({ includeLabels: true, includeOverlays: false }));
    for (let i = 0; i < nodes.length; i += 1) {
      for (let j = i + 1; j < nodes.length; j += 1) {
        const a = boxes[i], b = boxes[j];
        const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + gap;
        const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + gap;
        if (dx <= 0 || dy <= 0) continue;
        const pa = nodes[i].position(), pb = nodes[j].position();
        const shift = (dx < dy ? { x: dx / 2 + 1, y: 0 } : { x: 0, y: dy / 2 + 1 });
        const sx = pa.x <= pb.x ? 1 : -1, sy = pa.y <= pb.y ? 1 : -1;
        nodes[i].position({ x: pa.x - sx * shift.x, y: pa.y - sy * shift.y });
        nodes[j].position({ x: pb.x + sx * shift.x, y: pb.y + sy * shift.y });
        boxes[i] = nodes[i].boundingBox({ includeLabels: true, includeOverlays: false });
        boxes[j] = nodes[j].boundingBox({ includeLabels: true, includeOverlays: false });
        moved = true;
      }
    }
    if (!moved) return;
  }
}

function labelOverlaps(cy) {
  const boxes = cy.nodes(":visible").map((n) => n.renderedBoundingBox({ includeLabels: true, includeOverlays: false }));
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i], b = boxes[j];
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlaps += 1;
    }
  }
  return overlaps;
}
