// Progressive enhancement only: every journey works without this file.
// After a refused form, move the focus to the list of errors so it is read first.
const summary = document.getElementById("error-summary");
if (summary) summary.focus();
