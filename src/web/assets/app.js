// Progressive enhancement only: every journey works without this file.
// After a refused form, move the focus to the list of errors so it is read first.
const summary = document.getElementById("error-summary");
if (summary) summary.focus();

// Précisions revealed as the user chooses (seed 001: "Une fois le motif sélectionné, des
// précisions apparaissent"; step 4's code): an element with data-reveal-when="name=value …"
// shows while one of those radios is checked and is not itself inside a hidden part. Without
// this script the server decides (src/web/views/wizard-parts.tsx, Reveal).
const revealed = Array.from(document.querySelectorAll("[data-reveal-when]"));
if (revealed.length > 0) {
  const chosen = (condition) => {
    const [name, value] = condition.split("=");
    return Array.from(document.getElementsByName(name)).some((input) => input.value === value && input.checked && !input.closest("[hidden]"));
  };
  // In document order: a précision's parent question comes before it, so is settled first.
  const refresh = () => {
    for (const part of revealed) part.hidden = !part.dataset.revealWhen.split(/\s+/).some(chosen);
  };
  const names = new Set(revealed.flatMap((part) => part.dataset.revealWhen.split(/\s+/).map((c) => c.split("=")[0])));
  document.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && names.has(event.target.name)) refresh();
  });
  refresh();
}

// The display settings' pictograms (src/web/views/layout.tsx, Pictogram): their files are
// fetched when the dialog first opens, not on every page load.
const themeModal = document.getElementById("fr-theme-modal");
if (themeModal) {
  const drawPictograms = () => {
    for (const use of themeModal.querySelectorAll("use[data-href]")) {
      use.setAttribute("href", use.dataset.href);
      use.removeAttribute("data-href");
    }
  };
  themeModal.addEventListener("dsfr.disclose", drawPictograms, { once: true });
  // Also at the press of a control, so the files are on their way while the dialog opens.
  for (const control of document.querySelectorAll('[aria-controls="fr-theme-modal"]')) {
    control.addEventListener("click", drawPictograms, { once: true });
  }
}
