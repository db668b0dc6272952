// The form's proof of work: the widget (altcha.min.js, loaded just before) solves with a worker we
// serve ourselves (the page's CSP allows workers from our own origin only), and speaks the page's
// language with the texts the page carries in data-strings.
const worker = () => new Worker(new URL("?asset=altcha-pbkdf2.js", document.baseURI));
globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", worker);
for (const widget of document.querySelectorAll("altcha-widget[data-strings]")) {
  globalThis.$altcha.i18n.set(widget.getAttribute("language"), JSON.parse(widget.dataset.strings));
}
