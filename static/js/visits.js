// The front desk and the kiosk: small enhancements; every page also works without them.
(() => {
  // htmx swaps 4xx answers too, so a form with errors shows them (and keeps what was typed).
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 400 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A failed save (server error, no network) says so, and leaves what was typed in place.
  const showFailure = (event) => {
    const target = event.detail.target;
    if (!target) return;
    const box = target.querySelector("[data-error]") || target.closest("[data-error]");
    if (!box || !box.dataset.error) return;
    let note = box.querySelector(".save-failed");
    if (!note) {
      note = document.createElement("p");
      note.className = "message message-error save-failed";
      note.setAttribute("role", "alert");
      box.prepend(note);
    }
    note.textContent = box.dataset.error;
  };
  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);

  // Don't refresh a polled list while someone is working in it (it would take their focus).
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.matches("[hx-trigger^='every']") && elt.contains(document.activeElement)
        && document.activeElement !== document.body && event.detail.requestConfig.verb === "get") {
      event.preventDefault();
    }
  });

  // Enter on a chip (checkbox or radio) submits the quick-log form, as in a text field.
  document.addEventListener("keydown", (event) => {
    const el = event.target;
    if (event.key !== "Enter" || !el.form || !el.form.hasAttribute("data-enter-submits")) return;
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });

  // After logging a visit, focus goes back to the first topic: ready for the next person.
  const focusFirstTopic = () => {
    const first = document.querySelector("#quick-log-form .chips input");
    if (first) first.focus();
  };
  document.addEventListener("DOMContentLoaded", focusFirstTopic);
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "quick-log") focusFirstTopic();
  });

  // Keyboard users keep their place in the queue: after an action swaps the board, focus goes
  // back to the same ticket's next button; after "Call next", to the ticket just called; else to
  // "Call next" — never to a disabled button, which would drop the focus on the page.
  let lastQueueAction = null;
  let calledBefore = [];
  const calledRows = () => Array.from(document.querySelectorAll("#queue-board .ticket-row.called"), (row) => row.id);
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.closest && elt.closest("#queue-board") && elt.hasAttribute("hx-post")) {
      const row = elt.closest("[id^='ticket-']");
      lastQueueAction = row ? row.id : "call-next";
      calledBefore = calledRows();
    }
  });
  // After settling, not swapping: htmx has then wired up the new buttons, so an Enter pressed at
  // once goes through htmx instead of reloading the page (and losing the place).
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!lastQueueAction || !event.detail.target || event.detail.target.id !== "queue-board") return;
    const board = document.getElementById("queue-board");
    if (!board) return;
    const rowId = lastQueueAction === "call-next"
      ? calledRows().find((id) => !calledBefore.includes(id)) : lastQueueAction;
    const row = rowId && board.querySelector(`#${CSS.escape(rowId)}`);
    const enabled = "button:not([disabled])";
    const next = (row && row.querySelector(enabled)) || board.querySelector(`.queue-actions ${enabled}`)
      || board.querySelector(`.ticket-row ${enabled}`);
    if (next) next.focus();
    lastQueueAction = null;
  });

  // The kiosk goes back to the start by itself, ready for the next visitor: from the ticket page
  // after a while, and from a half-filled form left behind (so no one reads another's name).
  document.addEventListener("DOMContentLoaded", () => {
    const link = document.querySelector("[data-return-after]");
    if (!link) return;
    const seconds = parseInt(link.dataset.returnAfter, 10) || 30;
    let timer;
    const restart = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => { window.location.assign(link.href); }, seconds * 1000);
    };
    if (link.hasAttribute("data-idle")) {
      ["pointerdown", "keydown", "input"].forEach((name) => document.addEventListener(name, restart));
    }
    restart();
  });
})();
