// The program page: a "select all" box for the bulk reminder. No third-party code.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.select-all").forEach(function (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll('input[name="person_ids"][form="remind"]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    });
  });
})();
