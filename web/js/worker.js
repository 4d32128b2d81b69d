// The worker behind a page's `await Store.open("opfs:<name>")`: OPFS's synchronous file handles,
// which the store's journal needs, exist only in dedicated workers, so the store lives here and
// the page's RemoteStore talks to it by messages.
//
// The listener is in place before the package (and its WebAssembly) has loaded: messages that
// arrive meanwhile wait for it, in order, instead of being dropped.
const trine = import("./index.js");
self.addEventListener("message", (event) => {
  trine.then(({ serveMessage }) => serveMessage(self, event.data));
});
