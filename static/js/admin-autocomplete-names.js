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
    const text = label ? label.textContent.replace(/:\s*$/, "").trim()
      : select.getAttribute("aria-label") || select.name;
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      if (field.getAttribute("aria-label") !== text) field.setAttribute("aria-label", text);
    });
    container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
      if (list.getAttribute("role") !== "presentation") list.setAttribute("role", "presentation");
    });
    const single = container.querySelector(".select2-selection--single");
    const shown = container.querySelector(".select2-selection--single .select2-selection__rendered");
    // The choice shown is a read-only "textbox" for select2, named by its title only while
    // something is chosen: the field's name keeps it named when the box is empty.
    if (shown && shown.getAttribute("aria-label") !== text) shown.setAttribute("aria-label", text);
    if (single && label) {
      const names = label.id + (shown && shown.id ? " " + shown.id : "");
      if (single.getAttribute("aria-labelledby") !== names) single.setAttribute("aria-labelledby", names);
    } else if (single && single.getAttribute("aria-label") !== text) {
      single.removeAttribute("aria-labelledby");
      single.setAttribute("aria-label", text);
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
    // Every select2 box, Django's autocompletes and any other (a chained choice's widget).
    document.querySelectorAll("select.admin-autocomplete, select.select2-hidden-accessible").forEach(watch);
  }

  // After the boxes are made: on load, for each inline row added, and whenever a box appears
  // later (a widget whose script makes it after load).
  window.addEventListener("load", function () {
    watchAll();
    let pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      setTimeout(function () { pending = false; watchAll(); }, 0);
    }).observe(document.body, {childList: true, subtree: true});
  });
  document.addEventListener("formset:added", function () { setTimeout(watchAll, 0); });
})();
