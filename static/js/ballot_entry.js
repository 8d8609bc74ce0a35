// Keyboard ballot entry: Enter on a check box records the ballot, digits 1–9 toggle the n-th
// box, focus starts on the first box. Without this script the page still works (Tab to the
// button and press Enter).
(function () {
  "use strict";
  document.querySelectorAll("[data-ballot-form]").forEach(function (form) {
    var boxes = form.querySelectorAll('input[type="checkbox"][name="marks"]');
    if (boxes.length) boxes[0].focus();
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (target.type !== "checkbox") return;
      if (event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit();
      } else if (/^[1-9]$/.test(event.key)) {
        var box = boxes[Number(event.key) - 1];
        if (box) {
          event.preventDefault();
          box.checked = !box.checked;
          box.focus();
        }
      }
    });
    form.addEventListener("submit", function () {
      var button = form.querySelector('[type="submit"]');
      if (button) button.disabled = true;
    });
  });
})();
