// The offline app's storage in IndexedDB (used by app.js; plain script, no build).
// Two databases, so that logging out can forget one without touching the other:
// - "kototori-offline-queue": what was logged on this device, waiting to be sent, refused, or
//   sent recently. Logging out keeps it: nothing logged is lost. It holds no visitor names (a
//   check-in names the sign-up by its number).
// - "kototori-offline-ref": who is logged in, their hubs, a CSRF token and the coming events with
//   the names people signed up with. The login page deletes it (forget.js), so after a logout a
//   shared tablet keeps no names.
(() => {
  const QUEUE_DB = "kototori-offline-queue";
  const REF_DB = "kototori-offline-ref";
  const connections = {};

  function open(name) {
    if (!connections[name]) {
      connections[name] = new Promise((resolve, reject) => {
        const request = indexedDB.open(name, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (name === QUEUE_DB) db.createObjectStore("items", { keyPath: "key" });
          else db.createObjectStore("data");
        };
        request.onsuccess = () => {
          const db = request.result;
          // Another tab (the login page) wants to delete the database: let it, and open a fresh
          // one next time.
          db.onversionchange = () => {
            db.close();
            delete connections[name];
          };
          resolve(db);
        };
        request.onerror = () => {
          delete connections[name];
          reject(request.error);
        };
      });
    }
    return connections[name];
  }

  async function run(name, store, mode, work) {
    const db = await open(name);
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = work(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  window.KototoriOfflineStore = {
    items: () => run(QUEUE_DB, "items", "readonly", (s) => s.getAll()),
    put: (item) => run(QUEUE_DB, "items", "readwrite", (s) => s.put(item)),
    remove: (key) => run(QUEUE_DB, "items", "readwrite", (s) => s.delete(key)),
    get: (name) => run(REF_DB, "data", "readonly", (s) => s.get(name)),
    set: (name, value) => run(REF_DB, "data", "readwrite", (s) => s.put(value, name)),
    unset: (name) => run(REF_DB, "data", "readwrite", (s) => s.delete(name)),
    forget: () => run(REF_DB, "data", "readwrite", (s) => s.clear()),
  };
})();
