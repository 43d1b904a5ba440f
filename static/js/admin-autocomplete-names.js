// Names the admin's autocomplete boxes (select2, django.contrib.admin) for screen readers, which
// select2 leaves unnamed: its search field gets the field's label, its single-choice box is
// named by the label and the choice, and its list of chosen items is not announced as a bare
// list. select2 redraws these parts on every change, so they are named again after each redraw.
"use strict";
(function () {
  function labelOf(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !label.id) label.id = select.id + "_label";
    return label;
  }

  function name(container, select) {
    const label = labelOf(select);
    const text = label ? label.textContent.replace(/:\s*$/, "").trim() : select.name;
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      if (field.getAttribute("aria-label") !== text) field.setAttribute("aria-label", text);
    });
    container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
      if (list.getAttribute("role") !== "presentation") list.setAttribute("role", "presentation");
    });
    const single = container.querySelector(".select2-selection--single");
    if (single && label) {
      const shown = container.querySelector(".select2-selection__rendered");
      const names = label.id + (shown && shown.id ? " " + shown.id : "");
      if (single.getAttribute("aria-labelledby") !== names) single.setAttribute("aria-labelledby", names);
    }
    const multiple = container.querySelector(".select2-selection--multiple");
    if (multiple && !multiple.getAttribute("aria-label")) multiple.setAttribute("aria-label", text);
  }

  function watch(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2") || container.dataset.named) return;
    container.dataset.named = "1";
    name(container, select);
    new MutationObserver(function () { name(container, select); })
      .observe(container, {childList: true, subtree: true});
  }

  function watchAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(watch);
  }

  // After Django's autocomplete.js has made the boxes (on load, and for each inline row added).
  window.addEventListener("load", watchAll);
  document.addEventListener("formset:added", function () { setTimeout(watchAll, 0); });
})();
