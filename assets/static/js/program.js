// The program pages: a "select all" box for the bulk reminder, and a certificate preview that shows
// the text as typed, before it is saved. No third-party code.
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
    document.querySelectorAll("a[data-cert-preview]").forEach(function (link) {
      link.addEventListener("click", function () {
        var form = link.closest("form") || document.querySelector("form");
        if (!form) { return; }
        var q = new URLSearchParams();
        [["cert_title", "title"], ["cert_body", "body"], ["cert_prefix", "prefix"], ["cert_valid_months", "valid_months"]].forEach(function (p) {
          var field = form.elements[p[0]];
          if (field && field.value !== "") { q.set(p[1], field.value); }
        });
        link.href = link.getAttribute("href").split("?")[0] + "?" + q.toString();
      });
    });
  });
})();
