/* The check-in page (docs/checkin.md): downloads the workshop's roster into IndexedDB, then works
   without network: find people by name (folded as regions.names.fold does: fold.js) or phone,
   scan or type their personal code, tick presence for the chosen session, add walk-ins. Every
   tick, untick and walk-in is queued on the phone with an identifier made here
   (crypto.randomUUID) and sent in batches when the network returns; the server applies each
   identifier once. The state shown is the server's marks with the queued events on top, by time. */
(function () {
  "use strict";

  const root = document.getElementById("content");
  const S = JSON.parse(document.getElementById("checkin-strings").textContent);
  const fold = self.TrackerFold.fold;
  const Store = self.CheckInStore;
  const slug = root.dataset.slug;
  const $ = (id) => document.getElementById(id);
  const fmt = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const BATCH = 200;
  const MAX_RESULTS = 30;

  let copy = null;
  let queue = [];
  let people = [];
  let csrf = document.querySelector("#checkin-logout [name=csrfmiddlewaretoken]").value;
  let deviceId = "";
  let syncing = false;

  // What the staff member just did, and apart from it what the sending says.
  function say(text) {
    $("status").textContent = text;
  }

  function report(text) {
    $("sync-status").textContent = text;
  }

  function session() {
    return Number($("session").value);
  }

  function byTime(a, b) {
    const x = a.payload;
    const y = b.payload;
    return x.at < y.at ? -1 : x.at > y.at ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  }

  function personKey(ref) {
    if (ref.participation !== undefined) {
      return "p" + ref.participation;
    }
    const known = copy && copy.walkIns[ref.walk_in];
    return known ? "p" + known : "w" + ref.walk_in;
  }

  // The mark of each (person, session): the server's, then the queued events in time order.
  function marks() {
    const state = new Map();
    for (const [participation, sessionId] of copy ? copy.marks : []) {
      state.set("p" + participation + ":" + sessionId, true);
    }
    for (const item of queue.filter((i) => i.kind === "event").sort(byTime)) {
      state.set(personKey(item.payload) + ":" + item.payload.session, item.payload.present);
    }
    return state;
  }

  function rebuildPeople() {
    const list = (copy ? copy.roster.people : []).map((p) => ({
      key: "p" + p.id,
      ref: { participation: p.id },
      name: (p.first_name + " " + p.last_name).trim(),
      organization: p.organization,
      phone: p.phone,
      token: p.token,
      cancelled: p.cancelled,
      pending: p.pending,
    }));
    for (const item of queue.filter((i) => i.kind === "walk_in")) {
      const w = item.payload;
      list.push({
        key: "w" + w.id,
        ref: { walk_in: w.id },
        name: (w.first_name + " " + w.last_name).trim(),
        organization: w.organization,
        phone: w.phone,
        token: "",
        walkIn: true,
      });
    }
    for (const person of list) {
      person.folded = fold(person.name + " " + person.organization);
      person.digits = (person.phone || "").replace(/\D/g, "");
    }
    people = list;
  }

  function digitsOf(query) {
    const digits = self.TrackerFold.westernDigits(query).replace(/\D/g, "");
    // 06 12 34 56 78 is stored as +212612345678.
    return digits.startsWith("0") && !digits.startsWith("00") ? "212" + digits.slice(1) : digits.replace(/^00/, "");
  }

  function found(query) {
    const words = fold(query).split(" ").filter(Boolean);
    const digits = digitsOf(query);
    if (digits.length >= 3 && !/\p{L}/u.test(query)) {
      return people.filter((p) => p.digits && p.digits.includes(digits));
    }
    if (!words.length) {
      return [];
    }
    return people.filter((p) => words.every((w) => p.folded.includes(w)));
  }

  function resultItem(person, state, index) {
    const present = state.get(person.key + ":" + session()) === true;
    const item = document.createElement("li");
    item.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
    const who = document.createElement("div");
    who.className = "checkin-who";
    const name = document.createElement("span");
    name.className = "fw-semibold d-block";
    name.dir = "auto";
    name.id = "person-" + index;
    name.textContent = person.name;
    const detail = document.createElement("small");
    detail.className = "d-block text-body-secondary";
    detail.dir = "auto";
    const notes = [person.organization, person.phone, person.cancelled ? S.cancelled : "", person.pending ? S.pending : "", person.walkIn ? S.walk_in : ""];
    detail.textContent = notes.filter(Boolean).join(" · ");
    who.append(name, detail);
    const button = document.createElement("button");
    button.type = "button";
    button.className = present ? "btn btn-success" : "btn btn-outline-primary";
    button.textContent = present ? S.present + " ✓ · " + S.undo : S.mark;
    button.setAttribute("aria-pressed", present ? "true" : "false");
    button.setAttribute("aria-describedby", name.id);
    button.disabled = !root.dataset.mayRecord;
    button.addEventListener("click", () => tick(person, !present));
    item.append(who, button);
    return item;
  }

  function renderResults() {
    const list = $("results");
    list.replaceChildren();
    const query = $("search").value.trim();
    if (!query) {
      return;
    }
    const matches = found(query);
    const state = marks();
    if (!matches.length || matches.length > MAX_RESULTS) {
      const item = document.createElement("li");
      item.className = "list-group-item";
      item.textContent = matches.length ? fmt(S.too_many, { count: matches.length }) : S.none_found;
      list.append(item);
      return;
    }
    matches.forEach((person, index) => list.append(resultItem(person, state, index)));
  }

  function renderState() {
    $("network").textContent = navigator.onLine ? S.online : S.offline;
    $("network").className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-warning");
    $("pending-count").textContent = String(queue.length);
    const state = marks();
    $("present-count").textContent = String(people.filter((p) => state.get(p.key + ":" + session()) === true).length);
    $("total-count").textContent = String(people.length);
    if (!copy) {
      $("copy-state").textContent = S.no_copy;
    } else {
      const when = (iso) => new Date(iso).toLocaleString(document.documentElement.lang, { dateStyle: "short", timeStyle: "short" });
      $("copy-state").textContent = fmt(S.copy, { downloaded: when(copy.downloaded_at), expires: when(copy.expires_at) });
    }
    const datalist = $("organizations");
    if (datalist && copy) {
      datalist.replaceChildren(...copy.roster.organizations.map((name) => new Option(name)));
    }
  }

  function render() {
    rebuildPeople();
    renderState();
    renderResults();
  }

  async function enqueue(kind, payload) {
    const item = { id: payload.id, slug: slug, kind: kind, payload: payload, created: new Date().toISOString() };
    await Store.enqueue(item);
    queue.push(item);
  }

  async function tick(person, present) {
    if (!session()) {
      say(S.no_session);
      return;
    }
    const event = { id: crypto.randomUUID(), session: session(), present: present, at: new Date().toISOString() };
    Object.assign(event, person.ref);
    await enqueue("event", event);
    say(fmt(present ? S.checked_in : S.unmarked, { name: person.name }));
    render();
    sync();
  }

  function checkInByCode(text) {
    // Typed as the confirmation page shows it: in groups of four, perhaps with an Arabic
    // keyboard's digits.
    const compact = self.TrackerFold.westernDigits(text || "").replace(/[\s\u200e\u200f-]+/g, "");
    const match = /[0-9a-f]{32}/i.exec(compact);
    const person = match && people.find((p) => p.token && p.token === match[0].toLowerCase());
    if (!person) {
      say(S.unknown_code);
      return;
    }
    if (marks().get(person.key + ":" + session()) === true) {
      say(fmt(S.already, { name: person.name }));
      return;
    }
    tick(person, true);
  }

  // Copies -----------------------------------------------------------------------------------

  async function forget(message) {
    copy = null;
    await Store.deleteCopy(slug);
    report(message);
    render();
  }

  async function download() {
    let response;
    try {
      response = await fetch(root.dataset.rosterUrl, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      return false;
    }
    if (response.status === 401) {
      await forget(S.signed_out);
      return false;
    }
    if (!response.ok) {
      await forget(S.forbidden);
      return false;
    }
    const roster = await response.json();
    csrf = roster.csrf_token;
    delete roster.csrf_token;
    const marksNow = [];
    roster.people.forEach((p) => p.present.forEach((s) => marksNow.push([p.id, s])));
    copy = {
      slug: slug,
      user: String(roster.user),
      roster: roster,
      marks: marksNow,
      // Walk-ins sent before this download: their ticks still queued name them by identifier.
      walkIns: copy && copy.user === String(roster.user) ? copy.walkIns : {},
      downloaded_at: roster.downloaded_at,
      expires_at: roster.expires_at,
    };
    await Store.putCopy(copy);
    render();
    return true;
  }

  async function checkExpiry() {
    if (copy && (new Date(copy.expires_at) <= new Date() || copy.user !== root.dataset.user)) {
      await forget(S.expired);
    }
  }

  // Sending ----------------------------------------------------------------------------------

  function nextBatch() {
    const walkIns = queue.filter((i) => i.kind === "walk_in").slice(0, BATCH);
    const events = queue.filter((i) => i.kind === "event").slice(0, BATCH - walkIns.length);
    return {
      device: deviceId,
      walk_ins: walkIns.map((i) => i.payload),
      events: events.map((i) => i.payload),
    };
  }

  function nameOf(id) {
    const item = queue.find((i) => i.id === id);
    if (!item) {
      return id;
    }
    const ref = item.kind === "walk_in" ? { walk_in: item.payload.id } : item.payload;
    const person = people.find((p) => p.key === personKey(ref));
    return person ? person.name : id;
  }

  async function received(outcomes) {
    const refused = $("refused");
    for (const outcome of outcomes.walk_ins.concat(outcomes.events)) {
      if (outcome.status === "refused") {
        const line = document.createElement("li");
        line.dir = "auto";
        line.textContent = fmt(S.refused, { name: nameOf(outcome.id), message: outcome.message });
        refused.append(line);
        $("refused-section").hidden = false;
      }
    }
    for (const outcome of outcomes.walk_ins) {
      const item = queue.find((i) => i.id === outcome.id);
      if (outcome.participation && item && copy) {
        copy.walkIns[outcome.id] = outcome.participation;
        if (!copy.roster.people.some((p) => p.id === outcome.participation)) {
          const w = item.payload;
          copy.roster.people.push({ id: outcome.participation, first_name: w.first_name, last_name: w.last_name,
            organization: w.organization, phone: copy.roster.phones ? w.phone : "", token: "", cancelled: false, present: [] });
        }
      }
    }
    const done = new Set(outcomes.walk_ins.concat(outcomes.events).map((o) => o.id));
    await Store.dequeue([...done]);
    queue = queue.filter((i) => !done.has(i.id));
    if (copy) {
      copy.marks = outcomes.marks;
      await Store.putCopy(copy);
    }
  }

  async function post(batch) {
    return fetch(root.dataset.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(batch),
    });
  }

  // "sent", "stop" (signed out, forbidden, refused: retrying would not help) or "retry".
  async function sendOne(retried) {
    const response = await post(nextBatch());
    const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
    if (response.status === 401) {
      await forget(S.signed_out);
      return "stop";
    }
    if (response.status === 403 && !json && !retried && (await download())) {
      return sendOne(true); // a CSRF token from before a new sign-in: the roster brought a fresh one
    }
    if (!response.ok) {
      const body = json ? await response.json() : {};
      report(body.errors ? fmt(S.refused_batch, { errors: body.errors.join(" ") }) : body.error || S.not_sent);
      return response.status >= 500 ? "retry" : "stop";
    }
    await received(await response.json());
    return "sent";
  }

  // After a failure (no network, a busy server) the phone tries again a little later, then
  // less often; at random, so that phones that failed together do not retry together.
  let retryDelay = 1000;
  let retryTimer = null;

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(sync, retryDelay * (0.5 + Math.random()));
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  async function sync() {
    if (syncing || !queue.length || !navigator.onLine) {
      renderState();
      return;
    }
    syncing = true;
    let outcome = "sent";
    try {
      while (queue.length && outcome === "sent") {
        outcome = await sendOne(false);
      }
    } catch (error) {
      outcome = "retry";
      report(S.not_sent);
    } finally {
      syncing = false;
      render();
    }
    if (outcome === "sent") {
      retryDelay = 1000;
      report(S.sent);
    } else if (outcome === "retry") {
      retryLater();
    }
  }

  // Camera -----------------------------------------------------------------------------------

  async function scan() {
    const video = $("camera");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      say(S.camera_failed);
      return;
    }
    const detector = new self.BarcodeDetector({ formats: ["qr_code"] });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const stop = () => {
      stream.getTracks().forEach((track) => track.stop());
      video.hidden = true;
    };
    const look = async () => {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        stop();
        checkInByCode(codes[0].rawValue);
      } else if (!video.hidden) {
        setTimeout(look, 250);
      }
    };
    look();
  }

  // Walk-ins ---------------------------------------------------------------------------------

  function walkInProblem(w) {
    if (!w.first_name && !w.last_name) {
      return S.walk_in_name;
    }
    if (!w.phone && !w.email) {
      return S.walk_in_contact;
    }
    const digits = w.phone.replace(/\D/g, "");
    if (w.phone && (digits.length < 8 || digits.length > 15 || /[^\d\s+().-]/.test(w.phone))) {
      return S.walk_in_phone;
    }
    return "";
  }

  async function addWalkIn(event) {
    event.preventDefault();
    const form = event.target;
    const value = (name) => form.elements[name].value.trim().replace(/\s+/g, " ");
    const w = { id: crypto.randomUUID() };
    ["first_name", "last_name", "gender", "phone", "email", "organization"].forEach((n) => (w[n] = value(n)));
    const problem = walkInProblem(w);
    $("walk-in-error").textContent = problem;
    if (problem) {
      return;
    }
    await enqueue("walk_in", w);
    form.reset();
    rebuildPeople();
    await tick(people.find((p) => p.key === "w" + w.id), true);
    say(fmt(S.walk_in_added, { name: (w.first_name + " " + w.last_name).trim() }));
  }

  // Start ------------------------------------------------------------------------------------

  function chooseSession() {
    const today = new Date().toLocaleDateString("en-CA");
    const options = Array.from($("session").options);
    const chosen = options.find((o) => o.dataset.date >= today) || options[options.length - 1];
    if (chosen) {
      $("session").value = chosen.value;
    }
  }

  async function signOut(event) {
    event.preventDefault();
    if (queue.length && !window.confirm(fmt(S.logout_pending, { count: queue.length }))) {
      return;
    }
    // The response's Clear-Site-Data wipes the rest; this does it where that header is unknown.
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase("tracker-checkin");
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
    event.target.submit();
  }

  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.workerUrl).catch(() => {});
    }
    chooseSession();
    deviceId = await Store.deviceId();
    copy = (await Store.getCopy(slug)) || null;
    queue = await Store.queued(slug);
    await checkExpiry();
    render();
    if (navigator.onLine) {
      await download();
    }
    await sync();
  }

  $("search").addEventListener("input", renderResults);
  $("session").addEventListener("change", render);
  $("code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    checkInByCode($("code").value);
    $("code").value = "";
  });
  $("sync-now").addEventListener("click", sync);
  $("download").addEventListener("click", download);
  $("checkin-logout").addEventListener("submit", signOut);
  if ($("walk-in")) {
    $("walk-in").addEventListener("submit", addWalkIn);
  }
  if ("BarcodeDetector" in self) {
    $("scan").hidden = false;
    $("scan").addEventListener("click", scan);
  }
  self.addEventListener("online", sync);
  self.addEventListener("offline", renderState);
  setInterval(() => checkExpiry().then(sync), 30000);
  root.dataset.ready = "";
  start().then(() => (root.dataset.ready = "1"));
})();
