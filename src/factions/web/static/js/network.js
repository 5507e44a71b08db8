// The actor network: one layout computed once, then elements shown or hidden as of a date,
// so replaying time keeps every actor where the eye left it.
"use strict";

(async () => {
  const { el, clear, label, claimCard, fetchJSON, TYPE_COLOURS, TYPE_SHAPES } = Factions;
  const container = document.getElementById("graph");
  const slider = document.getElementById("as-of");
  const sliderLabel = document.getElementById("as-of-label");
  const count = document.getElementById("net-count");
  const detail = document.getElementById("detail");
  const SYMMETRIC = new Set(["ally_of", "fights"]);
  const MAX_LABEL = 22;

  const data = await fetchJSON(container.dataset.url);
  const claimsByEdge = new Map(data.edges.map((e) => [e.id, e.claims]));
  const short = (name) => (name.length > MAX_LABEL ? name.slice(0, MAX_LABEL - 1) + "…" : name);

  const elements = [
    ...data.nodes.map((n) => ({ data: { id: n.id, name: n.name, label: short(n.name), type: n.type } })),
    ...data.edges.map((e) => ({
      data: {
        id: e.id, source: e.source, target: e.target, predicate: e.predicate,
        asserted: e.asserted ? "yes" : "no", directed: SYMMETRIC.has(e.predicate) ? "no" : "yes",
      },
    })),
  ];

  const cy = cytoscape({
    container,
    elements,
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
      { selector: ".hidden", style: { "display": "none" } },
    ],
    // Seed with a circle so the force layout is the same on every load.
    layout: { name: "circle" },
  });
  cy.layout({
    name: "cose", randomize: false, animate: false, nodeDimensionsIncludeLabels: false,
    nodeRepulsion: () => 12000, idealEdgeLength: () => 70, edgeElasticity: () => 100,
    nodeOverlap: 10, componentSpacing: 30, gravity: 2, numIter: 2500, padding: 30,
  }).run();
  separateLabels(cy);
  cy.fit(undefined, 30);

  // Filters: predicates and actor types present in the data.
  const predicates = [...new Set(data.edges.map((e) => e.predicate))].sort();
  const types = [...new Set(data.nodes.map((n) => n.type))].sort();
  function checkboxes(fieldset, values, colour, name) {
    for (const value of values) {
      const box = el("input", { type: "checkbox", value, name, checked: "checked" });
      box.addEventListener("change", update);
      const swatch = el("span", { class: "swatch" });
      swatch.style.backgroundColor = colour(value);
      fieldset.append(el("label", { class: "check" }, box, swatch, label(value)));
    }
  }
  checkboxes(document.getElementById("predicates"), predicates, Factions.predicateColour, "predicate");
  checkboxes(document.getElementById("types"), types, (t) => TYPE_COLOURS[t] || "#6b7280", "type");
  const checked = (name) => new Set(
    [...document.querySelectorAll(`input[name=${name}]:checked`)].map((b) => b.value));

  // The slider walks the dates the claims carry; its last step is "all dates".
  const dates = data.dates;
  slider.max = String(dates.length);
  slider.value = String(dates.length);

  function holdsAt(claim, date) {
    if (date === null) return true;
    if (!claim.since || claim.since > date) return false;
    return !claim.until || claim.until >= date;
  }

  function update() {
    const index = Number(slider.value);
    const date = index >= dates.length ? null : dates[index];
    sliderLabel.value = date === null ? "all dates" : date;
    const wantedPredicates = checked("predicate");
    const wantedTypes = checked("type");
    const live = new Set();
    let edges = 0;
    cy.batch(() => {
      cy.edges().forEach((edge) => {
        const visible = wantedPredicates.has(edge.data("predicate"))
          && wantedTypes.has(edge.source().data("type")) && wantedTypes.has(edge.target().data("type"))
          && claimsByEdge.get(edge.id()).some((c) => holdsAt(c, date));
        edge.toggleClass("hidden", !visible);
        if (visible) { edges += 1; live.add(edge.source().id()); live.add(edge.target().id()); }
      });
      cy.nodes().forEach((node) => node.toggleClass("hidden", !live.has(node.id())));
    });
    count.textContent = `${live.size} actors, ${edges} relations`;
    container.dataset.nodes = String(live.size);
    container.dataset.edges = String(edges);
  }
  slider.addEventListener("input", update);
  update();

  cy.on("tap", "node", (event) => {
    window.location.href = `/actors/${encodeURIComponent(event.target.id())}`;
  });
  cy.on("tap", "edge", (event) => {
    const edge = event.target;
    clear(detail);
    detail.append(el("h2", {}, `${edge.source().data("name")} · ${label(edge.data("predicate"))} · ${edge.target().data("name")}`));
    for (const claim of claimsByEdge.get(edge.id())) detail.append(claimCard(claim));
    detail.querySelectorAll("details").forEach((d) => { d.open = true; });
  });
  // Tests and screenshots read this: label boxes that overlap at the current zoom.
  window.factionsNetwork = { cy, labelOverlaps };
  container.dataset.ready = "true";
})();

// Force layouts space nodes, not their labels: nudge apart any two whose label boxes meet,
// along the axis where they overlap least, until none do (or we give up).
function separateLabels(cy, rounds = 200, gap = 6) {
  const nodes = cy.nodes();
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
