// Shared screens forget: an element with data-idle-reset="SECONDS" and data-idle-url="URL" sends
// the browser to URL after SECONDS without a key press, touch, click or pointer movement (the kiosk
// returns to its start page so the next visitor never sees what the last one typed).
// Load with <script src="{% static 'js/idle-reset.js' %}" defer></script>; no inline code needed.
(() => {
  const el = document.querySelector("[data-idle-reset]");
  if (!el) return;
  const seconds = Number.parseInt(el.dataset.idleReset, 10);
  const url = el.dataset.idleUrl || window.location.pathname;
  if (!Number.isFinite(seconds) || seconds <= 0) return;
  let timer;
  const reset = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => window.location.replace(url), seconds * 1000);
  };
  for (const type of ["keydown", "pointerdown", "pointermove", "touchstart", "input", "scroll", "wheel"]) {
    document.addEventListener(type, reset, { passive: true, capture: true });
  }
  // htmx swaps count as activity too (a visitor stepping through the kiosk's screens).
  document.addEventListener("htmx:afterSwap", reset);
  reset();
})();
