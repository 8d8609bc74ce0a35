// What inline handlers did before the Content-Security-Policy forbade them, asked for with
// attributes so any form can use them: a select marked data-autosubmit sends its form when it
// changes; a form marked data-confirm="question" asks first and is not sent if refused.
// Both listen on the document, so forms added later behave the same; the confirm listener
// captures, so a refused form never reaches its own submit listeners (progress.js).
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
    select.form.requestSubmit();
  }
});

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);
