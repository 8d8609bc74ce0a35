// Long actions (finalize, issue): a form marked data-progress="…" disables its buttons on the
// first submit, shows a spinner with the form's message, and ignores any second submit.
document.querySelectorAll("form[data-progress]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (form.dataset.submitted) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.setAttribute("aria-busy", "true");
    const submitter = event.submitter;
    if (submitter && submitter.name) {
      // A disabled button is not sent: keep its name and value in a hidden field.
      const kept = document.createElement("input");
      kept.type = "hidden";
      kept.name = submitter.name;
      kept.value = submitter.value;
      form.appendChild(kept);
    }
    form.querySelectorAll("button, input[type=submit]").forEach((button) => { button.disabled = true; });
    const status = form.querySelector(".progress-status") || form.appendChild(document.createElement("span"));
    status.setAttribute("role", "status");
    const spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    status.replaceChildren(spinner, document.createTextNode(form.dataset.progress));
  });
});
