// Loaded by the login page, where logging out (and an ended session) leads: the offline app
// forgets who was logged in and the names of event sign-ups it kept (IndexedDB
// "kototori-offline-ref", see store.js), so a shared tablet keeps no names after a logout. What
// waits to be sent ("kototori-offline-queue") stays: logging in again sends it.
(() => {
  if (!("indexedDB" in window)) return;
  try {
    indexedDB.deleteDatabase("kototori-offline-ref");
  } catch {
    // Storage is off (private mode, a policy): then nothing was kept either.
  }
})();
