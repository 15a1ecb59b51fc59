// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

// A select with data-autosubmit submits its form when a choice is made. The arrow keys (and typing)
// change a closed select's value too: submitting then reloaded the page at every key press, so a
// keyboard user could not browse the list (WCAG 3.2.2). Such a change waits: Enter on the select
// submits, or the form's own button, which then shows.
const BROWSING_KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"];
let browsing = null;
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if (!el.matches || !el.matches("select[data-autosubmit]")) return;
  if (event.key === "Enter" && el.form) {
    event.preventDefault();
    el.form.requestSubmit();
  } else if (!event.altKey && (BROWSING_KEYS.includes(event.key) || event.key.length === 1) && event.key !== " ") {
    browsing = el;
  } else {
    browsing = null; // Space, Alt+ArrowDown, F4: the list opens, and a choice in it submits
  }
});
document.addEventListener("pointerdown", () => { browsing = null; });
document.addEventListener("change", (event) => {
  const el = event.target;
  if (!el.matches("[data-autosubmit]") || !el.form) return;
  if (browsing === el) {
    el.form.classList.add("autosubmit-waiting");
    return;
  }
  el.form.requestSubmit();
});

// A button with data-confirm asks before submitting its form.
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});

// Elements with data-autorefresh="SECONDS" reload their hx-get content (htmx does the work).

// Menu groups close when the focus or a click goes elsewhere, and with Escape.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.nav-group[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.nav-group[open]").forEach((menu) => {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
});
