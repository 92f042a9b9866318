// Progressive enhancement of the sign-up captcha (every journey works without this file).
// With JavaScript, the ALTCHA widget (a proof of work computed by the browser, self-hosted: the
// widget, its worker and the challenges all come from this service) takes the place of the image
// and audio code. If the widget cannot run here, or fails, the code stays the way through.
const box = document.querySelector("[data-captcha]");
const altcha = globalThis.$altcha;
const widgetPart = box?.querySelector("[data-captcha-widget]");
const fallback = box?.querySelector("[data-captcha-fallback]");
const widget = box?.querySelector("altcha-widget");

const workerUrl = box?.dataset.worker;

if (widgetPart && fallback && widget && workerUrl && altcha && window.isSecureContext && window.crypto?.subtle && window.Worker) {
  altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(workerUrl));
  widgetPart.hidden = false;
  fallback.hidden = true;
  widget.addEventListener("statechange", (event) => {
    // An error (network, worker...) gives the code back, so that nobody is left without a way.
    if (event.detail?.state === "error") fallback.hidden = false;
  });
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
