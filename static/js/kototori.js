// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
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
