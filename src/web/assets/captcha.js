// Progressive enhancement of the sign-up captcha (every journey works without this file).
// With JavaScript, the ALTCHA widget (a proof of work computed by the browser, self-hosted: the
// widget, its worker and the challenges all come from this service) takes the place of the image
// and audio code. If the widget cannot run here, or fails, the code stays the way through.
// The widget's files (about 80 kB) are fetched when someone starts on the form (a focus, a touch
// or a key in it), not while the page loads: on a phone, running the widget's script during the
// load was the largest part of the page's blocking time (issue 8). Its proof of work starts as
// soon as it is in place (see enhance). Until then the image and audio code is in place.
const box = document.querySelector("[data-captcha]");
const widgetPart = box?.querySelector("[data-captcha-widget]");
const fallback = box?.querySelector("[data-captcha-fallback]");
const widget = box?.querySelector("altcha-widget");
const files = box?.dataset ?? {};

function stylesheet(href) {
  return new Promise((resolve) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    // A stylesheet that does not load leaves the widget plain, not broken.
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);
    document.head.append(link);
  });
}

// Someone already in the code (focus in its part, or a code typed) keeps it: swapping it for the
// widget under their hands would hide the field they are typing in (the widget's files arrive
// after the first paint, which can take seconds on a phone).
let started = false;
fallback?.addEventListener("focusin", () => (started = true));
fallback?.addEventListener("input", () => (started = true));

/** Resolves once the widget's element offers its methods (its "load" event, if not yet). */
function mounted(element) {
  if (typeof element.verify === "function" && typeof element.getState === "function") return Promise.resolve();
  return new Promise((resolve) => element.addEventListener("load", resolve, { once: true }));
}

/** The way the page settled on (data-mode on the captcha's box): "widget" or "code". */
function settle(mode) {
  if (box) box.dataset.mode = mode;
}

async function enhance() {
  if (!(widgetPart && fallback && widget && files.worker && files.widgetScript && files.widgetLanguage && files.widgetStyle)) return settle("code");
  if (!(window.isSecureContext && window.crypto?.subtle && window.Worker)) return settle("code");
  await Promise.all([stylesheet(files.widgetStyle), import(files.widgetScript)]);
  await import(files.widgetLanguage);
  const altcha = globalThis.$altcha;
  if (!altcha || started || fallback.contains(document.activeElement)) return settle("code");
  altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(files.worker));
  widgetPart.hidden = false;
  fallback.hidden = true;
  settle("widget");
  widget.addEventListener("statechange", (event) => {
    // An error (network, worker...) gives the code back, so that nobody is left without a way.
    if (event.detail?.state === "error") fallback.hidden = false;
  });
  // Its files were fetched because someone started on the form: the proof of work starts now.
  // Left to auto="onfocus", it would start only at a focus in the form after this point, and
  // someone who filled every field before the files arrived (a slow phone) would find the box
  // unticked at the end. The work runs in a worker; the focus stays where it is.
  mounted(widget)
    .then(() => (widget.getState() === "unverified" ? widget.verify() : undefined))
    .catch(() => {});
  // After a refused form, the summary's link to the code leads to the widget's box instead.
  for (const link of document.querySelectorAll('#error-summary a[href="#captcha"]')) {
    link.addEventListener("click", (event) => {
      if (!fallback.hidden) return;
      const checkbox = widget.querySelector('input[type="checkbox"]');
      if (checkbox) {
        event.preventDefault();
        checkbox.focus();
      }
    });
  }
}

function start() {
  // Anything failing (a file not loaded...) leaves the image and audio code in place.
  enhance().catch(() => {
    if (widgetPart) widgetPart.hidden = true;
    if (fallback) fallback.hidden = false;
    settle("code");
  });
}

const form = box?.closest("form");
const FIRST_USE = ["focusin", "pointerdown", "keydown"];
function firstUse() {
  for (const type of FIRST_USE) form.removeEventListener(type, firstUse, true);
  start();
}
if (!form || form.contains(document.activeElement)) start();
else for (const type of FIRST_USE) form.addEventListener(type, firstUse, true);
