/* Accessible names for the admin's autocomplete fields (Select2, bundled with Django's admin).
 * Select2 names its combobox after the chosen value only, and its inline search box not at
 * all: each one is named after the field's own <label> (RGAA 11.1; axe `aria-input-field-name`,
 * `label`). Loaded from a static file (CSP: no inline script); runs after the admin's own
 * scripts have built the widgets, and again whenever a widget redraws itself. */
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      if (!label.id) { label.id = select.id + "-label"; }
      return label;
    }
    return null;
  }

  function name(select, container) {
    var label = labelFor(select);
    var text = label ? label.textContent.replace(/\s*:\s*$/, "").trim()
      : (select.getAttribute("aria-label") || select.name);
    container.querySelectorAll('[role="combobox"]').forEach(function (box) {
      if (label) {
        var ids = (box.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
        if (ids.indexOf(label.id) === -1) {
          box.setAttribute("aria-labelledby", [label.id].concat(ids).join(" "));
        }
      } else if (!box.getAttribute("aria-label")) {
        box.setAttribute("aria-label", text);
      }
    });
    container.querySelectorAll('[role="textbox"]').forEach(function (box) {
      if (label && box.id && box.getAttribute("aria-labelledby") !== label.id + " " + box.id) {
        box.setAttribute("aria-labelledby", label.id + " " + box.id);
      }
    });
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      if (field.getAttribute("aria-label") !== text) { field.setAttribute("aria-label", text); }
    });
    container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
      if (list.getAttribute("role") !== "list") { list.setAttribute("role", "list"); }
    });
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (container && container.classList.contains("select2")) { name(select, container); }
    });
  }

  // Select2 builds and redraws its widgets at its own time: name them each time the page's
  // elements change (naming only sets attributes, which this observer does not watch).
  new MutationObserver(nameAll).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", nameAll);
  window.addEventListener("load", nameAll);
})();
