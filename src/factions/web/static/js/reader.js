// The document reader: `#start-end` highlights the evidence sentence at those offsets.
"use strict";

(() => {
  const text = document.getElementById("doc-text");
  if (!text) return;
  function highlight() {
    text.querySelectorAll(".hit").forEach((node) => node.classList.remove("hit"));
    const match = /^#(\d+)-(\d+)$/.exec(window.location.hash);
    if (!match) return;
    const [start, end] = [Number(match[1]), Number(match[2])];
    const runs = [...text.querySelectorAll("[data-start]")].filter(
      (node) => Number(node.dataset.start) < end && Number(node.dataset.end) > start);
    runs.forEach((node) => node.classList.add("hit"));
    if (runs.length) runs[0].scrollIntoView({ block: "center" });
    text.dataset.highlighted = String(runs.length);
  }
  window.addEventListener("hashchange", highlight);
  highlight();
})();
