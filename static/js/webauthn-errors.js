// allauth's webauthn.js reports a key that did not answer (cancelled, timed out, wrong key) as an
// "allauth.error" event; show the page's message instead of leaving it on the console only.
document.addEventListener("allauth.error", (event) => {
  const tags = (event.detail && event.detail.tags) || [];
  const message = document.getElementById("webauthn_error");
  if (!message || !tags.includes("webauthn")) return;
  event.preventDefault();
  message.hidden = false;
  message.focus();
});
