// gazette review: links a document's facts table and its outline to its text. No data
// of the document is read as code: facts are found through data attributes the page was
// built with.
(function () {
  "use strict";

  var text = document.querySelector(".doc-text");
  var facts = document.getElementById("facts");
  if (!text || !facts) return; // the index and the issue pages need no script

  var FACT_ID = /^[a-z][0-9]+$/; // t3, s12: what a fact id looks like (facts.py)
  var litPieces = [];
  var currentRow = null;

  function rowOf(factId) {
    return FACT_ID.test(factId) ? facts.querySelector('[data-fact="' + factId + '"]') : null;
  }

  function piecesOf(factId) {
    return Array.prototype.slice.call(text.querySelectorAll('.f[data-facts~="' + factId + '"]'));
  }

  function isShown(element) {
    return element.offsetParent !== null || element.getClientRects().length > 0;
  }

  // Light up one fact: exactly its pieces get `lit`, the previously lit ones lose it. A
  // fact not placed in the text has no pieces: its row is marked and its evidence shown.
  function light(row, scrollText, scrollRow) {
    litPieces.forEach(function (piece) { piece.classList.remove("lit"); });
    if (currentRow) currentRow.classList.remove("current");
    currentRow = row;
    row.classList.add("current");
    litPieces = piecesOf(row.dataset.fact);
    litPieces.forEach(function (piece) { piece.classList.add("lit"); });
    text.dataset.litTable = row.dataset.table;
    if (scrollText && litPieces.length) litPieces[0].scrollIntoView({ block: "center", inline: "nearest" });
    if (scrollRow) row.scrollIntoView({ block: "center", inline: "nearest" });
    try {
      history.replaceState(null, "", "#" + row.dataset.fact);
    } catch (ignored) { /* some browsers refuse it on file:// pages; the link is a nicety */ }
  }

  function spanLength(row) {
    return Number(row.dataset.end) - Number(row.dataset.start);
  }

  // Clicking marked text lights its innermost shown fact; clicking again walks through
  // the others that cover the same words (a sentence often carries several).
  function factsUnder(piece) {
    return piece.dataset.facts.split(" ").map(rowOf).filter(function (row) {
      return row && isShown(row);
    }).sort(function (a, b) { return spanLength(a) - spanLength(b); });
  }

  facts.addEventListener("click", function (event) {
    var row = event.target.closest(".fact");
    if (row && !event.target.closest("a")) light(row, true, false);
  });

  facts.addEventListener("keydown", function (event) {
    var row = event.target.closest(".fact");
    if (row && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      light(row, true, false);
    }
  });

  text.addEventListener("click", function (event) {
    var piece = event.target.closest(".f");
    if (!piece) return;
    var rows = factsUnder(piece);
    if (!rows.length) return;
    var next = rows.indexOf(currentRow) + 1; // 0 when the lit fact is not here
    light(rows[next % rows.length], false, true);
  });

  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.filter, !box.checked);
    });
  });

  // The outline's links are plain anchors (the browser scrolls the text to the
  // heading); the entry followed last stays marked.
  var outline = document.getElementById("outline");
  var currentEntry = null;
  if (outline) {
    outline.addEventListener("click", function (event) {
      var entry = event.target.closest("a[href]");
      if (!entry) return;
      if (currentEntry) currentEntry.classList.remove("current");
      currentEntry = entry;
      entry.classList.add("current");
    });
  }

  var linked = rowOf(decodeURIComponent(location.hash.slice(1)));
  if (linked) light(linked, true, true);
})();
