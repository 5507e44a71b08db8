// Shared helpers. Article text is untrusted: build every node with textContent, never innerHTML.
"use strict";

const Factions = (() => {
  const TYPE_COLOURS = {
    armed_group: "#c2410c",
    state_force: "#1d4ed8",
    organization: "#7c3aed",
    person: "#0f766e",
    location: "#a16207",
    country: "#a16207",
    region: "#a16207",
  };
  const TYPE_SHAPES = {
    armed_group: "ellipse",
    state_force: "round-rectangle",
    organization: "diamond",
    person: "round-triangle",
  };
  // Predicate labels and colours come from the vocabulary the page carries (data/vocabulary.toml).
  const VOCABULARY = window.FactionsVocabulary || { predicates: {}, families: {} };
  const PREDICATE_COLOURS = Object.fromEntries(
    Object.entries(VOCABULARY.predicates || {}).map(([name, p]) => [name, p.colour]));
  const EVENT_COLOURS = {
    "Battles": "#dc2626",
    "Explosions/Remote violence": "#ea580c",
    "Violence against civilians": "#7c3aed",
    "Strategic developments": "#2563eb",
    "Protests": "#16a34a",
    "Riots": "#ca8a04",
  };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  const label = (text) => {
    const known = (VOCABULARY.predicates || {})[text];
    return known ? known.label : String(text || "").replaceAll("_", " ");
  };
  const predicate = (name) => (VOCABULARY.predicates || {})[name] || null;
  const familyOf = (name) => (predicate(name) || {}).family || "attribute";
  const familyColour = (family) => (VOCABULARY.family_colours || {})[family] || "#6b7280";
  const familyLabel = (family) => (VOCABULARY.families || {})[family] || family;
  const isSymmetric = (name) => Boolean((predicate(name) || {}).symmetric);
  // The predicates of some families, as the server is asked for them.
  const predicatesOf = (families) => Object.entries(VOCABULARY.predicates || {})
    .filter(([, p]) => families.has(p.family)).map(([name]) => name);

  function documentLink(ev) {
    const href = `/documents/${encodeURIComponent(ev.document)}#${ev.start}-${ev.end}`;
    return el("a", { class: "source", href }, ev.title || "Untitled document");
  }

  // The sentences behind a claim or event, each linking to the reader at its offsets.
  function evidenceList(items) {
    const list = el("ul", { class: "evidence-list" });
    for (const ev of items || []) {
      list.append(
        el("li", {}, el("blockquote", {}, ev.text), documentLink(ev),
          ev.outlet ? el("span", { class: "muted" }, ` · ${ev.outlet}`) : null,
          ev.published ? el("span", { class: "muted" }, ` · ${ev.published}`) : null)
      );
    }
    return list;
  }

  function badge(certainty, polarity = true) {
    return el("span", { class: `badge cert-${certainty}` }, (polarity ? "" : "not · ") + certainty);
  }

  function actorLink(id, name) {
    return id ? el("a", { class: "actor", href: `/actors/${encodeURIComponent(id)}` }, name || id)
      : el("span", {}, name || "?");
  }

  function claimCard(c) {
    // An event's claim names the event in words (object_name), never by its id.
    const target = c.object ? actorLink(c.object, c.object_name)
      : el("span", { class: c.object_name ? "event-name" : "value" }, c.object_name || c.value || "");
    const when = c.valid_from || c.valid_to
      ? el("span", { class: "when" }, `${c.valid_from || "…"}${c.valid_to ? " – " + c.valid_to : ""}`)
      : null;
    return el("div", { class: "card claim-card" },
      el("p", {}, actorLink(c.subject, c.subject_name), ` ${label(c.predicate)} `, target),
      el("p", { class: "meta" }, badge(c.certainty, c.polarity), " ", when,
        c.speaker ? el("span", { class: "speaker" }, ` says ${c.speaker}`) : null),
      evidenceList(c.evidence));
  }

  function eventCard(e) {
    const who = el("p", { class: "meta" });
    (e.participants || []).forEach((p, i) => {
      if (i) who.append(", ");
      who.append(actorLink(p.id, p.name), el("span", { class: "muted" }, ` (${p.role})`));
    });
    return el("div", { class: "card event-card" },
      el("p", {}, el("strong", {}, e.sub_event_type), e.place_name ? ` in ${e.place_name}` : ""),
      el("p", { class: "meta" }, e.date || "undated", " · ", badge(e.certainty),
        e.fatalities ? ` · ${e.fatalities} killed` : "",
        Object.entries(e.counts || {}).map(([kind, n]) => ` · ${n} ${kind}`).join(""),
        e.geo_precision ? el("span", { class: "muted" }, ` · place precision: ${e.geo_precision}`) : null),
      who,
      (e.instruments || []).length
        ? el("p", { class: "meta instruments" }, `with ${e.instruments.join(", ")}`) : null,
      evidenceList(e.evidence));
  }

  // GET some JSON; a failure throws an Error carrying the server's message
  // (the API's {"error": {"message"}} or a page twin's), so callers can show it.
  async function fetchJSON(url, options = {}) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, ...options });
    if (!response.ok) {
      let message = `${url}: ${response.status}`;
      try {
        const body = await response.json();
        if (body && body.error && body.error.message) message = body.error.message;
      } catch (_) { /* not JSON: keep the status */ }
      throw new Error(message);
    }
    return response.json();
  }

  // An event as /api/events gives it (place nested, three fatality figures), flattened into
  // the shape the pages draw: what the page twins send too.
  function flatEvent(e) {
    const place = e.place || {};
    return {
      ...e,
      place: place.id || null,
      place_name: place.name || null,
      lat: place.lat ?? null,
      lon: place.lon ?? null,
      geo_precision: e.geo_precision || place.geo_precision || null,
      fatalities: e.fatalities_best || e.fatalities_high || e.fatalities_low || null,
    };
  }

  // The claims behind a relation, with their sentences, fetched by id when the reader asks
  // (/api/claims takes up to 500 ids a request).
  async function claimsBehind(ids) {
    const found = [];
    for (let start = 0; start < ids.length; start += 500) {
      const query = ids.slice(start, start + 500).map((i) => `id=${encodeURIComponent(i)}`).join("&");
      found.push(...await fetchJSON(`/api/claims?${query}`));
    }
    return found;
  }

  // The sentences behind some claims, each once (a symmetric relation's two directions come
  // from the same sentences), from the /claims page's JSON twin, 500 ids a request.
  async function sentencesBehind(ids) {
    const found = [];
    for (let start = 0; start < ids.length; start += 500) {
      const query = ids.slice(start, start + 500).map((i) => `id=${encodeURIComponent(i)}`).join("&");
      found.push(...(await fetchJSON(`/claims?${query}&format=json`)).sentences);
    }
    return found;
  }

  // One sentence and what it says; under a heading that already names the relation, a
  // sentence saying only that shows just its grade, speaker and source.
  function sentenceCard(s, underHeading = false) {
    const says = underHeading && s.says.length === 1 ? null : el("p", {}, el("strong", {}, s.says.join("; ")));
    return el("div", { class: "card claim-card sentence-card" },
      says,
      el("p", { class: "meta" }, badge(s.certainty),
        s.speakers.length ? el("span", { class: "speaker" }, ` according to ${s.speakers.join(", ")}`) : null),
      evidenceList([s.evidence]));
  }

  // A panel or popover the reader can close (button or Escape).
  function closable(panel, onClose) {
    const close = () => { panel.hidden = true; if (onClose) onClose(); };
    document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && !panel.hidden) close(); });
    return close;
  }

  // Run `fn` once the reader has stopped for `wait` ms.
  function debounce(fn, wait = 250) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), wait);
    };
  }

  return {
    TYPE_COLOURS, TYPE_SHAPES, PREDICATE_COLOURS, EVENT_COLOURS, VOCABULARY,
    el, clear, label, evidenceList, badge, actorLink, claimCard, eventCard, fetchJSON,
    flatEvent, claimsBehind, sentencesBehind, sentenceCard, closable, debounce,
    predicate, familyOf, familyColour, familyLabel, isSymmetric, predicatesOf,
    predicateColour: (p) => PREDICATE_COLOURS[p] || "#6b7280",
    eventColour: (t) => EVENT_COLOURS[t] || "#6b7280",
  };
})();
