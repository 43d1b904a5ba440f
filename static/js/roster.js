// The roster page (templates/attendance/roster.html): each tick is saved at once, and a known
// person is found by typing a name or phone. Without this script the page still works: the
// grid is saved with its "Save ticks" button and a typed name is resolved by the server.
"use strict";

(function () {
  const root = document.querySelector(".roster");
  if (!root) return;
  root.classList.add("roster-js");
  const grid = document.getElementById("roster-grid");
  const status = root.querySelector(".roster-status");
  const token = grid ? grid.querySelector("[name=csrfmiddlewaretoken]").value : "";

  function say(text) {
    status.textContent = text;
  }

  // A tick is idempotent on the server, so a failed one (a database busy with other writes
  // answers 503, a network glitch) is sent again, four times over about eight seconds, before
  // the box goes back and the page says it was not saved.
  const RETRY_DELAYS = [400, 1200, 2500, 4000];

  function post(url, fields, attempt = 0) {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    })
      .then((response) => {
        if (!response.ok) throw Object.assign(new Error(response.statusText), { status: response.status });
        return response.json();
      })
      .catch((error) => {
        // A refusal (403, 404) would be refused again: only a server error or no answer is retried.
        const refused = error.status && error.status < 500;
        if (refused || attempt >= RETRY_DELAYS.length) throw error;
        return new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS[attempt])).then(() =>
          post(url, fields, attempt + 1),
        );
      });
  }

  function setText(selector, text) {
    const element = root.querySelector(selector);
    if (element) element.textContent = text;
  }

  // Answers to ticks sent together may arrive in any order, each with the totals it saw: once
  // none is pending, the totals are asked again.
  let pending = 0;

  function showTotals(total) {
    setText(`[data-counted="${total.session}"]`, total.counted);
    setText(`[data-marks="${total.session}"]`, total.marks);
  }

  function settled() {
    pending -= 1;
    if (pending > 0) return;
    fetch(root.dataset.markUrl, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { totals: [] }))
      .then((data) => {
        if (pending === 0) data.totals.forEach(showTotals);
      })
      .catch(() => {});
  }

  if (grid) {
    grid.addEventListener("change", (event) => {
      const box = event.target;
      if (box.name !== "mark") return;
      box.setAttribute("aria-busy", "true");
      pending += 1;
      post(root.dataset.markUrl, {
        participation: box.dataset.participation,
        session: box.dataset.session,
        present: box.checked ? "1" : "0",
      })
        .then((data) => {
          showTotals(data);
          setText(`[data-status="${box.dataset.participation}"]`, data.status);
          box.dataset.saved = data.present ? "1" : "0";
        })
        .catch(() => {
          box.checked = !box.checked;
          say(root.dataset.error);
        })
        .finally(() => {
          box.removeAttribute("aria-busy");
          settled();
        });
    });
  }

  const known = root.querySelector(".roster-known");
  if (!known) return;
  const input = known.querySelector("[name=name]");
  const chosen = known.querySelector("[name=person]");
  const list = document.getElementById("roster-suggestions");
  let timer = null;
  let asked = "";

  function suggestion(person) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "roster-suggestion";
    const name = document.createElement("span");
    name.dir = "auto";
    name.textContent = person.name;
    button.append(name);
    const detail = [person.detail, person.enrolled ? root.dataset.enrolled : ""].filter(Boolean).join(" · ");
    if (detail) {
      const small = document.createElement("small");
      small.dir = "auto";
      small.textContent = " " + detail;
      button.append(small);
    }
    button.addEventListener("click", () => {
      chosen.value = person.id;
      known.requestSubmit();
    });
    item.append(button);
    return item;
  }

  function suggest() {
    const q = input.value.trim();
    if (q === asked) return;
    asked = q;
    if (q.length < 2) {
      list.replaceChildren();
      return;
    }
    const url = `${root.dataset.peopleUrl}?q=${encodeURIComponent(q)}`;
    fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => {
        if (asked !== q) return;
        list.replaceChildren(...data.results.map(suggestion));
      })
      .catch(() => list.replaceChildren());
  }

  input.addEventListener("input", () => {
    chosen.value = "";
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
})();
