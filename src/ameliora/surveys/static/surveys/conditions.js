// Show a conditional question only when the question it depends on has the expected answer.
// Without JavaScript every question shows with a note; the server ignores hidden answers anyway.
(function () {
  "use strict";
  function answered(form, name, expected) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked && input.value === expected) return true;
      } else if (input.value.trim() === expected) {
        return true;
      }
    }
    return false;
  }
  function refresh(form) {
    var wrappers = form.querySelectorAll("[data-condition-field]");
    for (var i = 0; i < wrappers.length; i++) {
      var wrapper = wrappers[i];
      var name = wrapper.getAttribute("data-condition-field");
      var parent = form.querySelector("#wrap-" + name);
      var visible = (!parent || !parent.hidden) && answered(form, name, wrapper.getAttribute("data-condition-value"));
      wrapper.hidden = !visible;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.sv-answer");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      form.classList.add("sv-js");
      refresh(form);
      form.addEventListener("change", refresh.bind(null, form));
      form.addEventListener("input", refresh.bind(null, form));
    }
  });
})();
