// Sortable tables without a library: in a <table data-sortable>, each header's button
// (a button, so reachable and pressed with the keyboard) sorts the rows by that column,
// ascending then descending, and says so with aria-sort and in the caption's status.
// Cells carry their raw value in data-sort-value (numbers unformatted; empty when there
// is no figure, always listed last). Headers whose button has data-sort-type="text" sort
// as text in the page's language.
(function () {
  "use strict";

  function sortValue(row, index, isText) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.textContent;
    if (isText) {
      return raw.trim();
    }
    return raw.trim() === "" ? NaN : parseFloat(raw);
  }

  function compare(a, b, isText, direction, collator) {
    if (isText) {
      return direction * collator.compare(a, b);
    }
    if (isNaN(a) || isNaN(b)) {
      return isNaN(a) - isNaN(b);
    }
    return direction * (a - b);
  }

  function makeSortable(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    var status = table.querySelector(".sort-status");
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });

    headers.forEach(function (header, index) {
      var button = header.querySelector("button");
      if (!button) {
        return;
      }
      var isText = button.getAttribute("data-sort-type") === "text";
      button.addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        var direction = ascending ? 1 : -1;
        var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
          return { row: row, value: sortValue(row, index, isText), position: position };
        });
        rows.sort(function (a, b) {
          return compare(a.value, b.value, isText, direction, collator) || a.position - b.position;
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (item) { fragment.appendChild(item.row); });
        body.appendChild(fragment);
        // Only the column the rows are sorted by carries aria-sort.
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        if (status) {
          status.textContent = button.textContent.trim() + ": " +
            table.getAttribute(ascending ? "data-sorted-ascending" : "data-sorted-descending");
        }
      });
    });
  }

  document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
})();
