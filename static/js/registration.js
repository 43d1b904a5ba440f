// The registration form: the commune list follows the province chosen (registrations:communes).
(function () {
  "use strict";
  const form = document.querySelector("form.registration-form");
  if (!form) return;
  // One submission per click: a double click would send the form twice.
  form.addEventListener("submit", function () {
    const button = form.querySelector("button[type=submit]");
    if (button) window.setTimeout(() => (button.disabled = true), 0);
  });
  const province = form.querySelector("#id_province");
  const commune = form.querySelector("#id_commune");
  if (!province || !commune) return;
  const url = form.dataset.communesUrl;
  const empty = commune.querySelector("option[value='']");

  function fill(rows) {
    const chosen = commune.value;
    commune.replaceChildren(empty ? empty.cloneNode(true) : document.createElement("option"));
    for (const [id, name] of rows) {
      const option = document.createElement("option");
      option.value = String(id);
      option.textContent = name;
      option.selected = String(id) === chosen;
      commune.append(option);
    }
    commune.disabled = rows.length === 0;
  }

  province.addEventListener("change", function () {
    if (!province.value) {
      fill([]);
      return;
    }
    fetch(url.replace(/0\/$/, province.value + "/"), { credentials: "omit" })
      .then((response) => (response.ok ? response.json() : { communes: [] }))
      .then((data) => fill(data.communes))
      .catch(() => fill([]));
  });
})();
