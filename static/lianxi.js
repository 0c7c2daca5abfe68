/* Lianxi: confirmation before irreversible actions, card labels for tables on a phone, and
   workflow diagrams. Plain ES5. */
(function () {
  var forms = document.querySelectorAll("form[data-confirm]");
  for (var i = 0; i < forms.length; i++) {
    forms[i].addEventListener("submit", function (event) {
      if (!window.confirm(this.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }
  // A table.table-cards shows each row as a card on a phone (lianxi.css); each cell is
  // labelled with its column's header, copied here so templates only add the class.
  var tables = document.querySelectorAll("table.table-cards");
  for (var t = 0; t < tables.length; t++) {
    var headers = tables[t].querySelectorAll("thead tr:last-child th");
    var labels = [];
    for (var h = 0; h < headers.length; h++) {
      var span = parseInt(headers[h].getAttribute("colspan") || "1", 10);
      for (var s = 0; s < span; s++) { labels.push(headers[h].textContent.replace(/\s+/g, " ").trim()); }
    }
    var rows = tables[t].querySelectorAll("tbody > tr");
    for (var r = 0; r < rows.length; r++) {
      var column = 0;
      for (var c = 0; c < rows[r].cells.length; c++) {
        var cell = rows[r].cells[c];
        if (cell.colSpan === 1 && !cell.hasAttribute("data-label") && labels[column] !== undefined) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += cell.colSpan;
      }
    }
  }
  if (window.mermaid) {
    window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "neutral" });
  }
})();
