/* What a check-in phone keeps, in IndexedDB (docs/checkin.md): the roster copy of each workshop
   (store "copies", with the date it expires), and the queue of ticks and walk-ins not yet sent
   (store "queue", one entry per item, keyed by the identifier made on the phone). */
(function (root) {
  "use strict";

  const NAME = "tracker-checkin";

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function open() {
    const req = indexedDB.open(NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore("copies", { keyPath: "slug" });
      const queue = db.createObjectStore("queue", { keyPath: "id" });
      queue.createIndex("slug", "slug");
      db.createObjectStore("meta", { keyPath: "key" });
    };
    return request(req);
  }

  async function run(storeName, mode, action) {
    const db = await open();
    try {
      const tx = db.transaction(storeName, mode);
      const done = new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
      const result = await request(action(tx.objectStore(storeName)));
      await done;
      return result;
    } finally {
      db.close();
    }
  }

  const Store = {
    getCopy: (slug) => run("copies", "readonly", (s) => s.get(slug)),
    putCopy: (copy) => run("copies", "readwrite", (s) => s.put(copy)),
    deleteCopy: (slug) => run("copies", "readwrite", (s) => s.delete(slug)),
    queued: (slug) => run("queue", "readonly", (s) => s.index("slug").getAll(slug)),
    enqueue: (item) => run("queue", "readwrite", (s) => s.put(item)),
    dequeue: async (ids) => {
      for (const id of ids) {
        await run("queue", "readwrite", (s) => s.delete(id));
      }
    },
    deviceId: async () => {
      const kept = await run("meta", "readonly", (s) => s.get("device"));
      if (kept) {
        return kept.value;
      }
      const value = crypto.randomUUID();
      await run("meta", "readwrite", (s) => s.put({ key: "device", value }));
      return value;
    },
  };

  root.CheckInStore = Store;
})(self);
