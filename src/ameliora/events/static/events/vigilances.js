// Pre-tick the vigilances the chosen category suggests (medication → pharmacovigilance…).
// Only a suggestion: the reporter may untick it; a box ticked by hand is never unticked.
// Without JavaScript the checklist works as before and the event page shows the suggestion.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[data-vigilances]");
    if (!select) return;
    var form = select.form;
    var mapping = JSON.parse(select.getAttribute("data-vigilances"));
    var ticked = [];
    select.addEventListener("change", function () {
      ticked.forEach(function (box) { box.checked = false; });
      ticked = [];
      (mapping[select.value] || []).forEach(function (code) {
        var box = form.querySelector('input[name="vigilances"][value="' + code + '"]');
        if (box && !box.checked) {
          box.checked = true;
          ticked.push(box);
          var details = box.closest("details");
          if (details) details.open = true;
        }
      });
    });
  });
})();
