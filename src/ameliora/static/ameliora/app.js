// Behaviour shared by the pages, attached from data- attributes: the Content-Security-Policy allows
// no inline script, no on*= handler, no hx-on attribute and no eval, so nothing lives in the HTML.
(function () {
  "use strict";

  // <button data-print>: print the page (QR code posters, paper questionnaires).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // <button data-copy="element-id" data-copied="Copied">: copy that element's text to the clipboard, then
  // say so in the button (its label comes back after two seconds). Without the Clipboard API (plain
  // HTTP), the text is selected instead, for Ctrl+C.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    event.preventDefault();
    var text = source.textContent.trim();
    var label = button.innerHTML;
    function done() {
      button.textContent = button.getAttribute("data-copied") || label;
      window.setTimeout(function () { button.innerHTML = label; }, 2000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      selectText(source);
    }
  });

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // <button hx-get=… data-formset-add="id_form-TOTAL_FORMS">: ask the server for the next empty row of
  // a formset (parameter "row" = the current number of forms), then count the row the swap added.
  document.addEventListener("htmx:configRequest", function (event) {
    var counter = formsetCounter(event.detail.elt);
    if (counter) event.detail.parameters.row = counter.value;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var counter = formsetCounter(event.detail.elt);
    if (counter && event.detail.successful) counter.value = parseInt(counter.value, 10) + 1;
  });
  function formsetCounter(elt) {
    var id = elt && elt.getAttribute && elt.getAttribute("data-formset-add");
    return id ? document.getElementById(id) : null;
  }

  // <div data-swap-errors>: a form inside answers 400 with itself and its errors, which htmx must swap
  // in like a success. The focused field is blurred first, else htmx focuses its twin in the new form
  // and Chromium then tabs into that radio group on its second choice, not its first.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.target.closest || !event.target.closest("[data-swap-errors]")) return;
    if (document.activeElement) document.activeElement.blur();
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
