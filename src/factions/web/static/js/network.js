// The actor network as of a date. The server answers (the page's JSON twin, /network?format=json:
// the heaviest relations first, a symmetric relation once); the time slider asks it again for
// the chosen year or month. An actor once drawn keeps its place across dates (hidden while
// absent), and only newcomers are laid out, beside the actors they relate to, so replaying time
// keeps the picture where the eye left it. Relations are coloured by family (alliance,
// hostility, hierarchy…, from the vocabulary); a click on one opens its sentences in a panel
// beside the graph.
"use strict";

(async () => {
  const {
    el, clear, label, badge, sentenceCard, sentencesBehind, debounce, fetchJSON, closable,
    familyOf, familyColour, familyLabel, isSymmetric, predicatesOf, VOCABULARY,
    TYPE_COLOURS, TYPE_SHAPES,
  } = Factions;
  const container = document.getElementById("graph");
  const stage = container.parentElement;
  const slider = document.getElementById("as-of");
  const sliderLabel = document.getElementById("as-of-label");
  const stepSelect = document.getElementById("step");
  const count = document.getElementById("net-count");
  const totalLabel = document.getElementById("net-total");
  const errorBox = document.getElementById("net-error");
  const panel = document.getElementById("edge-panel");
  const detail = document.getElementById("detail");
  const tip = document.getElementById("hover-tip");
  const PLACE_TYPES = new Set(["location", "country", "region"]);
  // Line width per family: what an analyst looks for first is drawn heaviest.
  const WIDTHS = { hostility: 3.2, alliance: 3, hierarchy: 2.6, splinter: 2.6, merger: 2.6, membership: 1.6, presence: 1.6 };
  const limit = Number(container.dataset.limit) || 250;
  const first = container.dataset.first || "";
  const last = container.dataset.last || "";
  const edgeId = (e) => `${e.subject}\u001f${e.predicate}\u001f${e.object}`;
  const TYPE_NAMES = { armed_group: "armed group", state_force: "state force", organization: "organisation", person: "person", location: "place", country: "country", region: "region", unknown: "unknown" };

  const cy = cytoscape({
    container,
    elements: [],
    minZoom: 0.3,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        "background-color": (n) => TYPE_COLOURS[n.data("type")] || "#6b7280",
        "shape": (n) => TYPE_SHAPES[n.data("type")] || "ellipse",
        "width": 20, "height": 20,
        // Full names, wrapped onto lines of at most 120 px: never cut.
        "label": "data(name)", "font-size": 12.5, "font-family": "system-ui, sans-serif",
        "text-wrap": "wrap", "text-max-width": 120, "line-height": 1.15,
        "color": "#111827", "text-valign": "bottom", "text-margin-y": 3,
        "text-background-color": "#ffffff", "text-background-opacity": 1,
        "text-background-padding": 2, "text-background-shape": "roundrectangle",
        "border-width": 2, "border-color": "#ffffff", "z-index": 10,
      } },
      { selector: "node:selected, node.hover", style: { "border-color": "#111827", "border-width": 3 } },
      { selector: "edge", style: {
        "width": (e) => WIDTHS[e.data("family")] || 2,
        "curve-style": "bezier", "opacity": 0.8,
        "line-color": (e) => familyColour(e.data("family")),
        "target-arrow-color": (e) => familyColour(e.data("family")),
        "target-arrow-shape": "triangle", "arrow-scale": 0.9, "z-index": 1,
      } },
      { selector: "edge[directed = 'no']", style: { "target-arrow-shape": "none" } },
      { selector: "edge[asserted = 'no']", style: { "line-style": "dashed", "line-dash-pattern": [6, 4] } },
      { selector: "edge.hover, edge:selected", style: {
        "opacity": 1, "width": (e) => (WIDTHS[e.data("family")] || 2) + 2.2, "z-index": 5,
        "label": "data(label)", "font-size": 12, "color": "#111827", "text-rotation": "autorotate",
        "text-background-color": "#ffffff", "text-background-opacity": 1, "text-background-padding": 2,
        "text-background-shape": "roundrectangle", "text-border-width": 1, "text-border-opacity": 1,
        "text-border-color": (e) => familyColour(e.data("family")),
      } },
      { selector: "edge.faded, node.faded", style: { "opacity": 0.18 } },
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

  // --- the legend, which filters too: relation families are asked of the server, actor types
  // hide nodes here -----------------------------------------------------------------------------
  const familyBox = document.getElementById("families");
  const typeBox = document.getElementById("types");
  const FAMILY_ORDER = Object.keys(VOCABULARY.families || {});
  function lineSample(family) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 28 8");
    svg.setAttribute("class", "line-sample");
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    for (const [k, v] of Object.entries({ x1: 0, y1: 4, x2: 28, y2: 4, stroke: familyColour(family), "stroke-width": Math.min(WIDTHS[family] || 2, 4) })) line.setAttribute(k, v);
    svg.append(line);
    return svg;
  }
  function addCheckbox(fieldset, value, swatch, text, name, checked, onChange, order) {
    if (fieldset.querySelector(`input[name=${name}][value="${CSS.escape(value)}"]`)) return;
    const box = el("input", { type: "checkbox", value, name, checked: checked ? "checked" : null });
    box.addEventListener("change", onChange);
    const item = el("label", { class: "check", "data-order": String(order) }, box, swatch, text);
    const after = [...fieldset.querySelectorAll("label.check")]
      .find((other) => Number(other.dataset.order) > order);
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
    const params = new URLSearchParams({ format: "json", limit: String(limit) });
    if (asOf) params.set("as_of", asOf);
    const families = boxes("family");
    const wanted = checked("family");
    if (families.length && wanted.size < families.length) {
      predicatesOf(wanted).forEach((p) => params.append("predicate", p));
    }
    const mine = ++asked;
    container.dataset.state = "loading";
    let data;
    if (families.length && !wanted.size) {
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
      const family = familyOf(edge.predicate);
      addCheckbox(familyBox, family, lineSample(family), familyLabel(family), "family", true, load,
        FAMILY_ORDER.indexOf(family));
    }
    for (const node of data.nodes) {
      const type = node.type || "unknown";
      const swatch = el("span", { class: "swatch round" });
      swatch.style.backgroundColor = TYPE_COLOURS[type] || "#6b7280";
      addCheckbox(typeBox, type, swatch, TYPE_NAMES[type] || type, "type", !PLACE_TYPES.has(type), filter,
        Object.keys(TYPE_NAMES).indexOf(type));
    }
    const present = new Set(data.nodes.map((n) => n.id));
    const wantedEdges = new Map(data.edges.map((e) => [edgeId(e), e]));
    edgeInfo.clear();
    cy.batch(() => {
      cy.edges().forEach((edge) => { if (!wantedEdges.has(edge.id())) edge.remove(); });
      for (const n of data.nodes) {
        const node = cy.getElementById(n.id);
        const fields = { id: n.id, name: n.name, type: n.type || "unknown" };
        if (node.empty()) cy.add({ group: "nodes", data: fields });
        else node.data(fields);
      }
      cy.nodes().forEach((node) => node.toggleClass("absent", !present.has(node.id())));
      for (const [id, e] of wantedEdges) {
        edgeInfo.set(id, e);
        const fields = {
          id, source: e.subject, target: e.object, predicate: e.predicate,
          family: familyOf(e.predicate), label: label(e.predicate),
          asserted: e.certainty === "asserted" ? "yes" : "no",
          directed: isSymmetric(e.predicate) ? "no" : "yes",
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
      nodeRepulsion: () => 12000, idealEdgeLength: () => 75, edgeElasticity: () => 100,
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

  // --- hover: a relation says what it is; an actor shows its full name and its relations ------
  function showTip(text, position) {
    tip.textContent = text;
    tip.hidden = false;
    const box = stage.getBoundingClientRect();
    const x = Math.min(position.x + 14, box.width - tip.offsetWidth - 8);
    const y = Math.min(position.y + 14, box.height - tip.offsetHeight - 8);
    tip.style.left = `${Math.max(4, x)}px`;
    tip.style.top = `${Math.max(4, y)}px`;
  }
  cy.on("mouseover", "edge", (event) => {
    const edge = event.target;
    const info = edgeInfo.get(edge.id());
    edge.addClass("hover");
    if (info) {
      const says = `${info.subject_name} · ${label(info.predicate)} · ${info.object_name}`;
      showTip(`${says} (${info.weight} sentence${info.weight === 1 ? "" : "s"}, ${info.certainty})`,
        event.renderedPosition || edge.renderedMidpoint());
    }
  });
  cy.on("mouseout", "edge", (event) => { event.target.removeClass("hover"); tip.hidden = true; });
  cy.on("mouseover", "node", (event) => {
    const node = event.target;
    node.addClass("hover");
    node.connectedEdges(":visible").addClass("hover");
    showTip(`${node.data("name")} (${TYPE_NAMES[node.data("type")] || node.data("type")})`,
      event.renderedPosition || node.renderedPosition());
  });
  cy.on("mouseout", "node", (event) => {
    event.target.removeClass("hover");
    event.target.connectedEdges().removeClass("hover");
    tip.hidden = true;
  });

  cy.on("tap", "node", (event) => {
    window.location.href = `/actors/${encodeURIComponent(event.target.id())}`;
  });

  // --- a relation's sentences, in a panel beside the graph -------------------------------------
  const closePanel = closable(panel, () => {
    cy.edges().unselect();
    cy.resize();
    container.dataset.panel = "closed";
  });
  document.getElementById("edge-close").addEventListener("click", closePanel);

  // Keep an edge in view once the panel has narrowed the graph.
  function keepInView(edge) {
    const mid = edge.renderedMidpoint();
    const width = container.clientWidth;
    const height = container.clientHeight;
    const dx = mid.x > width - 40 ? width / 2 - mid.x : (mid.x < 40 ? width / 2 - mid.x : 0);
    const dy = mid.y > height - 40 || mid.y < 40 ? height / 2 - mid.y : 0;
    if (dx || dy) cy.panBy({ x: dx, y: dy });
  }

  let opened = 0;
  cy.on("tap", "edge", async (event) => {
    const edge = event.target;
    const info = edgeInfo.get(edge.id());
    if (!info) return;
    const mine = ++opened;
    clear(detail);
    panel.hidden = false;
    container.dataset.panel = "open";
    cy.resize();
    cy.edges().unselect();
    edge.select();
    keepInView(edge);
    const reported = info.first_reported
      ? ` · reported ${info.first_reported}${info.last_reported !== info.first_reported ? " – " + info.last_reported : ""}` : "";
    const swatch = el("span", { class: "swatch" });
    swatch.style.backgroundColor = familyColour(familyOf(info.predicate));
    detail.append(
      el("p", { class: "small muted family-line" }, swatch, ` ${familyLabel(familyOf(info.predicate))}`),
      el("h2", {}, `${info.subject_name} · ${label(info.predicate)} · ${info.object_name}`),
      el("p", { class: "meta" }, badge(info.certainty), ` ${info.weight} sentence${info.weight === 1 ? "" : "s"} in ${info.documents} document${info.documents === 1 ? "" : "s"}${reported}`),
    );
    if (info.speakers.length) detail.append(el("p", { class: "meta" }, `According to ${info.speakers.join(", ")}`));
    const status = el("p", { class: "muted small" }, "Loading the sentences…");
    detail.append(status);
    panel.scrollTop = 0;
    try {
      const sentences = await sentencesBehind(info.claims);
      if (mine !== opened) return;
      status.remove();
      for (const sentence of sentences) detail.append(sentenceCard(sentence, true));
      detail.dataset.ready = String(mine);
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
