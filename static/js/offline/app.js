// The offline front-desk app (visits.views.offline): log visits and event attendance with or
// without network, keep them in IndexedDB (store.js), send them when online and show what waits,
// what was sent and what was refused. Plain script, no build; every text comes translated from
// the page (#offline-config).
//
// Each item gets a key made here (crypto.randomUUID) and the time it was logged here; the server
// saves each key once, so sending again (a retry, a second tab, a lost answer) adds nothing.
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("offline-config").textContent);
  const T = config.strings;
  const store = window.KototoriOfflineStore;
  const $ = (id) => document.getElementById(id);
  const SYNCED_KEPT_MS = 12 * 60 * 60 * 1000; // sent items stay listed for the working day
  const SYNCED_SHOWN = 30;
  const RETRY_MIN_MS = 30 * 1000;
  const RETRY_MAX_MS = 10 * 60 * 1000;

  const state = {
    me: null,
    hubs: [],
    hub: null,
    csrf: "",
    events: [],
    eventsAt: null,
    event: null,
    labels: {}, // item key → the name on a check-in, kept with the names (forgotten at logout)
    loginNeeded: false,
    noPermission: false,
    serverError: false,
    syncing: false,
    again: false, // something was logged while sending: another round follows
    lastSync: null,
    skewMinutes: 0,
    retryDelay: RETRY_MIN_MS,
    retryTimer: null,
  };

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name] ?? ""));
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function timeText(iso) {
    const date = new Date(iso);
    const day = (d) => d.toLocaleDateString("en-CA", { timeZone: config.timeZone });
    const today = day(new Date()) === day(date);
    const options = today
      ? { hour: "2-digit", minute: "2-digit" }
      : { day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit" };
    // In the hub's time zone, like every time the server shows, whatever the tablet is set to.
    try {
      return date.toLocaleString(config.language, { ...options, timeZone: config.timeZone });
    } catch {
      return date.toLocaleString(undefined, options);
    }
  }

  function say(id, text, isError = false) {
    const node = $(id);
    node.textContent = text;
    node.classList.toggle("error", isError);
  }

  // Reference data: who is logged in, their hubs, the events (IndexedDB, refreshed when online)

  async function loadLocal() {
    state.me = (await store.get("me")) || null;
    state.hubs = (await store.get("hubs")) || [];
    state.csrf = (await store.get("csrf")) || "";
    const events = await store.get("events");
    state.events = events ? events.events : [];
    state.eventsAt = events ? events.fetched_at : null;
    state.hub = (await store.get("hub")) || null;
    state.event = (await store.get("event")) || null;
    state.labels = (await store.get("labels")) || {};
  }

  class LoginNeeded extends Error {}
  class HttpError extends Error {
    constructor(status) {
      super(`HTTP ${status}`);
      this.status = status;
    }
  }

  async function getJSON(url) {
    // redirect: "manual": an ended session answers with a redirect to the login page, which
    // must not be mistaken for data.
    const response = await fetch(url, {
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    if (response.type === "opaqueredirect" || response.status === 401) throw new LoginNeeded();
    if (!response.ok) throw new HttpError(response.status);
    return response.json();
  }

  async function forgetEvents() {
    state.events = [];
    state.eventsAt = null;
    state.labels = {};
    await store.unset("events");
    await store.unset("labels");
  }

  async function refresh() {
    if (!navigator.onLine) return false;
    try {
      const data = await getJSON(config.urls.data);
      if (state.me && state.me.id !== data.user.id) {
        // Someone else logged in on this device: the last person's names go.
        await store.forget();
        state.events = [];
        state.event = null;
        state.labels = {};
      }
      state.me = data.user;
      state.hubs = data.hubs;
      state.csrf = data.csrf;
      state.loginNeeded = false;
      state.noPermission = false;
      state.skewMinutes = Math.round((Date.parse(data.now) - Date.now()) / 60000);
      await store.set("me", data.user);
      await store.set("hubs", data.hubs);
      await store.set("csrf", data.csrf);
      if (!state.hubs.some((hub) => hub.slug === state.hub)) {
        state.hub = state.hubs.length ? state.hubs[0].slug : null;
      }
      if (state.hubs.some((hub) => hub.events)) {
        const events = await getJSON(config.urls.events);
        state.events = events.events;
        state.eventsAt = events.fetched_at;
        await store.set("events", events);
      } else {
        await forgetEvents();
      }
      return true;
    } catch (error) {
      if (error instanceof LoginNeeded) {
        state.loginNeeded = true;
        // The session is over: the names of sign-ups go now; logging in brings them back. What
        // waits to be sent stays.
        await forgetEvents();
        await store.unset("csrf");
        state.csrf = "";
      } else if (error instanceof HttpError && error.status === 403) {
        state.noPermission = true;
      } else if (error instanceof HttpError) {
        state.serverError = true;
      }
      return false;
    } finally {
      await render();
    }
  }

  // The queue

  function currentHub() {
    return state.hubs.find((hub) => hub.slug === state.hub) || null;
  }

  function currentEvent() {
    const events = state.events.filter((event) => event.hub === state.hub);
    return events.find((event) => event.id === state.event) || events[0] || null;
  }

  async function enqueue(kind, payload, title = "", name = "") {
    const hub = currentHub();
    const item = {
      key: crypto.randomUUID(),
      kind,
      user: state.me.id,
      hub: hub.slug,
      hubName: hub.name,
      at: new Date().toISOString(),
      payload,
      title, // the event's title, so that the item still says what it was if the event goes
      state: "pending",
    };
    await store.put(item);
    if (name) {
      state.labels[item.key] = name;
      await store.set("labels", state.labels);
    }
    return item;
  }

  function wire(item) {
    const base = { key: item.key, hub: item.hub };
    if (item.kind === "visit") return { ...base, ...item.payload };
    return { ...base, kind: item.kind, at: item.at, ...item.payload };
  }

  async function post(url, chunk) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": state.csrf,
      },
      body: JSON.stringify({ items: chunk.map(wire) }),
    });
  }

  // Sends one batch; false stops the round (login needed, server or network down).
  async function send(url, chunk) {
    let response = await post(url, chunk);
    if (response.status === 403) {
      // A token from before a new login, or the role is gone: fetch a fresh token, try once more.
      if (!(await refresh())) return false;
      response = await post(url, chunk);
      if (response.status === 403) {
        // The role is gone (or a proxy refuses the token): keep everything, say so, try later.
        state.noPermission = true;
        return false;
      }
    }
    if (response.type === "opaqueredirect" || response.status === 401) {
      state.loginNeeded = true;
      await forgetEvents();
      return false;
    }
    if (!response.ok) throw new HttpError(response.status);
    const { results } = await response.json();
    const byKey = new Map(chunk.map((item) => [item.key, item]));
    for (const result of results) {
      const item = byKey.get(result.key);
      if (!item) continue;
      if (result.status === "created" || result.status === "duplicate") {
        await store.put({
          ...item,
          state: "synced",
          duplicate: result.status === "duplicate",
          url: result.url || "",
          synced: Date.now(),
          reason: "",
        });
      } else if (result.status === "refused") {
        await store.put({ ...item, state: "refused", reason: result.reason, code: result.code });
      } else {
        await store.put({ ...item, attempts: (item.attempts || 0) + 1, reason: result.reason });
      }
    }
    return !results.some((result) => result.status === "error");
  }

  function scheduleRetry() {
    window.clearTimeout(state.retryTimer);
    state.retryTimer = window.setTimeout(sync, state.retryDelay);
    state.retryDelay = Math.min(state.retryDelay * 2, RETRY_MAX_MS);
  }

  async function sync() {
    if (state.syncing) {
      state.again = true;
      return;
    }
    if (!navigator.onLine || !state.me) return;
    const mine = (await store.items()).filter(
      (item) => item.state === "pending" && item.user === state.me.id,
    );
    if (!mine.length) return;
    state.syncing = true;
    await render();
    let complete = true;
    try {
      if (!state.csrf || state.loginNeeded) {
        if (!(await refresh())) return;
      }
      const routes = [
        [config.urls.syncVisits, ["visit"]],
        [config.urls.syncAttendance, ["check_in", "head_count"]],
      ];
      for (const [url, kinds] of routes) {
        const items = mine.filter((item) => kinds.includes(item.kind));
        for (let start = 0; start < items.length; start += config.batch) {
          if (!(await send(url, items.slice(start, start + config.batch)))) {
            complete = false;
            if (state.loginNeeded) return;
          }
        }
      }
      state.serverError = !complete;
      state.lastSync = new Date().toISOString();
      if (mine.some((item) => item.kind !== "visit")) await refresh();
    } catch {
      // The network went, or the server failed: everything not answered stays pending.
      complete = false;
      state.serverError = navigator.onLine;
    } finally {
      state.syncing = false;
      if (complete) state.retryDelay = RETRY_MIN_MS;
      else if (!state.loginNeeded) scheduleRetry();
      await render();
      if (state.again && complete) {
        state.again = false;
        window.setTimeout(sync, 0);
      }
    }
  }

  // Drawing

  function describe(item) {
    const event = state.events.find((e) => e.id === item.payload.event);
    if (item.kind === "visit") {
      const topics = item.payload.topics.map((pk) => config.topics[pk] || "?").join(", ");
      return [T.visit, topics];
    }
    const title = event ? event.title : item.title || "";
    if (item.kind === "check_in") {
      const registration = event && event.registrations.find((r) => r.id === item.payload.registration);
      const who = registration
        ? registration.name
        : state.labels[item.key] || fmt(T.signUpNumber, { number: item.payload.registration });
      return [T.checkIn, [who, title].filter(Boolean).join(" · ")];
    }
    return [T.headCount, [fmt(T.headCountText, item.payload), title].filter(Boolean).join(" · ")];
  }

  function itemRow(item) {
    const [kind, text] = describe(item);
    const row = el(
      "li",
      { className: `device-item ${item.state}`, "data-key": item.key, "data-state": item.state },
      el("span", { className: "item-time", text: timeText(item.at) }),
      el("strong", { text: kind }),
      el("span", { className: "item-text", text }),
    );
    if (state.hubs.length > 1) row.append(el("span", { className: "badge subtle", text: item.hubName }));
    if (item.state === "pending") {
      row.append(el("span", { className: "badge warn", text: T.waiting }));
      if (item.reason) row.append(el("span", { className: "item-reason", text: fmt(T.retrying, { reason: item.reason }) }));
      row.append(el("button", { type: "button", className: "secondary small", "data-action": "remove", text: T.remove }));
    } else if (item.state === "refused") {
      row.append(el("span", { className: "badge danger", text: T.refused }));
      row.append(el("span", { className: "item-reason", text: item.reason }));
      row.append(el("button", { type: "button", className: "secondary small", "data-action": "dismiss", text: T.dismiss }));
    } else {
      row.append(el("span", { className: "badge ok", text: T.synced }));
      if (item.duplicate) row.append(el("span", { className: "muted", text: T.duplicate }));
      if (item.url && navigator.onLine) row.append(el("a", { href: item.url, text: T.open }));
    }
    return row;
  }

  function notice(text, kind, ...extra) {
    return el("div", { className: `message message-${kind}` }, el("p", { text }), ...extra);
  }

  async function render() {
    const online = navigator.onLine;
    const status = $("net-status");
    status.textContent = online ? T.online : T.offline;
    status.classList.toggle("is-offline", !online);
    $("who").textContent = state.me ? state.me.name : "";

    const hasUser = Boolean(state.me);
    $("needs-login").hidden = hasUser;
    $("app-body").hidden = !hasUser;
    $("logout").hidden = !hasUser;
    if (!hasUser) {
      $("needs-login-text").textContent = state.loginNeeded ? T.loginNeeded : T.needsLogin;
      return;
    }

    let items = await store.items();
    const now = Date.now();
    for (const item of items) {
      if (item.state === "synced" && now - (item.synced || 0) > SYNCED_KEPT_MS) await store.remove(item.key);
    }
    items = items.filter((item) => !(item.state === "synced" && now - (item.synced || 0) > SYNCED_KEPT_MS));
    const mine = items.filter((item) => item.user === state.me.id);
    const pending = mine.filter((item) => item.state === "pending");
    const others = items.filter((item) => item.state === "pending" && item.user !== state.me.id);

    // Notices
    // Built aside and swapped in only when they changed: a live region re-read on every redraw
    // would repeat itself to screen-reader users.
    const notices = document.createElement("div");
    if (state.loginNeeded) {
      notices.append(
        notice(T.loginNeeded, "warning", el("a", { className: "button primary small", href: config.urls.login, text: T.logIn })),
      );
    }
    if (state.noPermission) notices.append(notice(T.noPermission, "error"));
    if (Math.abs(state.skewMinutes) >= 5) {
      notices.append(notice(fmt(T.clockSkew, { minutes: Math.abs(state.skewMinutes) }), "warning"));
    }
    if (others.length) {
      notices.append(
        notice(
          fmt(T.othersWaiting, { count: others.length }),
          "warning",
          el("button", { type: "button", className: "secondary small", id: "take-over", text: T.takeOver }),
        ),
      );
    }
    if (state.updated) {
      notices.append(
        notice(T.updated, "info", el("button", { type: "button", className: "secondary small", id: "reload", text: T.reload })),
      );
    }
    if (state.installPrompt) {
      notices.append(el("button", { type: "button", className: "secondary", id: "install", text: T.install }));
    }

    const shown = $("notices");
    if (shown.innerHTML !== notices.innerHTML) shown.replaceChildren(...notices.childNodes);

    // Sync summary
    let summary;
    if (state.syncing) summary = T.syncing;
    else if (pending.length === 1) summary = T.pendingOne;
    else if (pending.length) summary = fmt(T.pendingMany, { count: pending.length });
    else summary = T.allSynced;
    if (!state.syncing && state.serverError && pending.length) summary += " " + T.serverError;
    const refusedMine = items.filter((item) => item.state === "refused").length;
    if (refusedMine) summary += " " + fmt(T.refusedCount, { count: refusedMine });
    if (state.lastSync) summary += " " + fmt(T.lastSync, { time: timeText(state.lastSync) });
    if ($("sync-summary").textContent !== summary) $("sync-summary").textContent = summary;
    $("sync-now").disabled = state.syncing || !online || !pending.length;

    // Hub
    if (!currentHub() && state.hubs.length) state.hub = state.hubs[0].slug;
    const hubSelect = $("hub");
    hubSelect.replaceChildren(...state.hubs.map((hub) => el("option", { value: hub.slug, text: hub.name, selected: hub.slug === state.hub })));
    $("hub-field").hidden = state.hubs.length < 2;
    const hub = currentHub();
    $("hub-name").textContent = hub && state.hubs.length < 2 ? hub.name : "";
    $("hub-name").hidden = !(hub && state.hubs.length < 2);

    renderEvents(mine, hub);

    // The device's list: pending first, then refused, then what was sent (newest first)
    const byTime = (a, b) => (a.at < b.at ? 1 : -1);
    const refused = items.filter((item) => item.state === "refused").sort(byTime);
    const synced = mine.filter((item) => item.state === "synced").sort(byTime).slice(0, SYNCED_SHOWN);
    const rows = [...pending.sort(byTime), ...refused, ...synced].map(itemRow);
    $("items").replaceChildren(...(rows.length ? rows : [el("li", { className: "muted", text: T.noItems })]));
  }

  function renderEvents(mine, hub) {
    const section = $("events-section");
    section.hidden = !(hub && hub.events);
    if (section.hidden) return;
    const events = state.events.filter((event) => event.hub === hub.slug);
    $("no-events").hidden = events.length > 0;
    $("no-events").textContent = T.noEvents;
    $("event-body").hidden = !events.length;
    if (!events.length) return;
    const event = currentEvent();
    $("event").replaceChildren(
      ...events.map((e) => el("option", { value: String(e.id), text: `${timeText(e.starts_at)} · ${e.title}`, selected: e.id === event.id })),
    );
    $("events-asof").textContent = state.eventsAt ? fmt(T.eventsAsOf, { time: timeText(state.eventsAt) }) : "";

    const forEvent = mine.filter((item) => item.payload.event === event.id && item.state !== "refused");
    const checked = new Map(
      forEvent.filter((item) => item.kind === "check_in").map((item) => [item.payload.registration, item]),
    );
    const rows = event.registrations.map((registration) => {
      const item = checked.get(registration.id);
      const label = registration.party_size > 1
        ? `${registration.name} (${fmt(T.people, { count: registration.party_size })})`
        : registration.name;
      const row = el("li", { className: "checkin-row", id: `offline-reg-${registration.id}` }, el("span", { className: "checkin-name", text: label }));
      if (registration.came || (item && item.state === "synced")) {
        row.classList.add("came");
        row.append(el("span", { className: "badge ok", text: T.came }));
      } else if (item) {
        row.classList.add("came");
        row.append(el("span", { className: "badge warn", text: T.checkedInHere }));
      } else {
        row.append(el("button", { type: "button", className: "primary small", "data-registration": String(registration.id), text: T.checkInButton, "aria-label": `${T.checkInButton}: ${registration.name}` }));
      }
      return row;
    });
    $("registrations").replaceChildren(...(rows.length ? rows : [el("li", { className: "muted", text: T.noRegistrations })]));

    let newcomers = event.head_count.newcomers;
    let residents = event.head_count.residents;
    for (const item of forEvent) {
      if (item.kind === "head_count" && item.state === "pending") {
        newcomers += item.payload.newcomers;
        residents += item.payload.residents;
      }
    }
    $("head-count-total").textContent = fmt(T.headCountTotal, { newcomers, residents });
  }

  // Actions

  $("visit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!currentHub()) return say("visit-result", T.pickHub, true);
    const topics = [...form.querySelectorAll("input[name=topics]:checked")].map((input) => Number(input.value));
    if (!topics.length) {
      say("visit-result", T.pickTopic, true);
      form.querySelector("input[name=topics]").focus();
      return;
    }
    const when = form.elements.visited_at.value;
    const language = form.elements.language.value;
    await enqueue("visit", {
      topics,
      channel: form.elements.channel.value,
      outcome: form.elements.outcome.value,
      language: language ? Number(language) : null,
      language_help: form.elements.language_help.checked,
      note: form.elements.note.value.trim(),
      // The time of the visit is when it was logged here (or the time typed), not when it is sent.
      visited_at: (when ? new Date(when) : new Date()).toISOString(),
    });
    // Channel and language stay for the next visitor (most in a row share them), as on the desk.
    for (const input of form.querySelectorAll("input[name=topics]")) input.checked = false;
    form.elements.note.value = "";
    form.elements.visited_at.value = "";
    form.elements.language_help.checked = false;
    const advice = form.querySelector("input[name=outcome][value=advice]");
    if (advice) advice.checked = true;
    say("visit-result", navigator.onLine ? T.saved : T.savedWaiting);
    await render();
    sync();
  });

  $("registrations").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-registration]");
    if (!button) return;
    button.disabled = true;
    const event_ = currentEvent();
    const registration = Number(button.dataset.registration);
    const person = event_.registrations.find((r) => r.id === registration);
    await enqueue("check_in", { event: event_.id, registration }, event_.title, person ? person.name : "");
    say("event-result", navigator.onLine ? T.saved : T.savedWaiting);
    await render();
    sync();
  });

  $("head-count-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const newcomers = Number.parseInt(form.elements.newcomers.value || "0", 10);
    const residents = Number.parseInt(form.elements.residents.value || "0", 10);
    const valid = (n) => Number.isInteger(n) && n >= 0 && n <= 1000;
    if (!valid(newcomers) || !valid(residents) || newcomers + residents === 0) {
      return say("event-result", T.headCountEmpty, true);
    }
    await enqueue("head_count", { event: currentEvent().id, newcomers, residents }, currentEvent().title);
    form.elements.newcomers.value = "0";
    form.elements.residents.value = "0";
    say("event-result", navigator.onLine ? T.saved : T.savedWaiting);
    await render();
    sync();
  });

  $("items").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const key = button.closest("[data-key]").dataset.key;
    if (button.dataset.action === "remove" && !window.confirm(T.removeConfirm)) return;
    await store.remove(key);
    await render();
  });

  $("notices").addEventListener("click", async (event) => {
    const id = event.target.id;
    if (id === "take-over" && window.confirm(T.takeOverConfirm)) {
      for (const item of await store.items()) {
        if (item.state === "pending" && item.user !== state.me.id) await store.put({ ...item, user: state.me.id });
      }
      await render();
      sync();
    } else if (id === "reload") {
      window.location.reload();
    } else if (id === "install" && state.installPrompt) {
      state.installPrompt.prompt();
      state.installPrompt = null;
      await render();
    }
  });

  $("hub").addEventListener("change", async (event) => {
    state.hub = event.target.value;
    state.event = null;
    await store.set("hub", state.hub);
    await render();
  });

  $("event").addEventListener("change", async (event) => {
    state.event = Number(event.target.value);
    await store.set("event", state.event);
    await render();
  });

  $("sync-now").addEventListener("click", () => {
    state.retryDelay = RETRY_MIN_MS;
    sync();
  });

  $("logout").addEventListener("click", async () => {
    if (!navigator.onLine) {
      await store.forget();
      Object.assign(state, { me: null, events: [], csrf: "" });
      await render();
      $("needs-login-text").textContent = T.offlineLogout;
      return;
    }
    let token = "";
    try {
      token = (await getJSON(config.urls.data)).csrf;
    } catch {
      // The session had ended already: only the login page is left to show.
    }
    await store.forget();
    if (!token) {
      window.location.assign(config.urls.login);
      return;
    }
    const form = el("form", { method: "post", action: config.urls.logout, hidden: true },
      el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: token }));
    document.body.append(form);
    form.submit();
  });

  window.addEventListener("online", async () => {
    await refresh();
    sync();
  });
  window.addEventListener("offline", render);

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    state.installPrompt = event;
    render();
  });

  if ("serviceWorker" in navigator) {
    // The first worker taking over this page is no news; a later one is a new release.
    let controlled = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.register(config.urls.worker, { scope: config.scope }).catch(() => {
      // Without a worker the app still works while this page stays open.
    });
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (controlled) {
        state.updated = true;
        render();
      }
      controlled = true;
    });
  }

  // Ask the browser not to evict this site's storage when space runs low: the queue must survive.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});

  (async () => {
    await loadLocal();
    await render();
    if (await refresh()) await sync();
    document.documentElement.dataset.offlineReady = "true";
  })();
})();
