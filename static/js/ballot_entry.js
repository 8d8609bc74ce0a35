// Keyboard ballot entry. Focus starts on the first box; Space ticks it, Tab moves on, Enter on
// a box records the ballot. Typing a candidate's number (any number of digits, e.g. "1" "2"
// for the 12th) ticks that box once the typing pauses; typing letters into the filter box shows
// only the matching candidates (accents folded: "giao duc" finds "Giáo dục"). Without this
// script the page still works (Tab to the button and press Enter).
(function () {
  "use strict";
  var PAUSE_MS = 700;

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase();
  }

  document.querySelectorAll("[data-ballot-form]").forEach(function (form) {
    var boxes = Array.prototype.slice.call(
      form.querySelectorAll('input[type="checkbox"][name="marks"]')
    );
    var filter = form.querySelector("[data-candidate-filter]");
    var status = form.querySelector("[data-number-status]");
    var typed = "";
    var timer = null;
    if (boxes.length) boxes[0].focus();

    function say(text) {
      if (status) status.textContent = text;
    }

    function toggleNumber() {
      var box = boxes[Number(typed) - 1];
      if (box) {
        box.checked = !box.checked;
        box.focus();
        say(typed + ": " + (box.checked ? "✓ " : "✗ ") + box.dataset.name);
      } else {
        say(typed + ": ?");
      }
      typed = "";
    }

    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (target.type !== "checkbox") return;
      if (event.key === "Enter") {
        event.preventDefault();
        if (timer) {
          clearTimeout(timer);
          timer = null;
          toggleNumber();
        }
        form.requestSubmit();
      } else if (/^[0-9]$/.test(event.key)) {
        event.preventDefault();
        typed += event.key;
        say(typed + "…");
        if (timer) clearTimeout(timer);
        // With fewer than ten candidates one digit is the whole number: no need to wait.
        if (boxes.length < 10 || Number(typed) * 10 > boxes.length) {
          timer = null;
          toggleNumber();
        } else {
          timer = setTimeout(function () {
            timer = null;
            toggleNumber();
          }, PAUSE_MS);
        }
      }
    });

    if (filter) {
      filter.closest("[data-filter-wrap]").hidden = false;
      filter.addEventListener("input", function () {
        var wanted = fold(filter.value.trim());
        boxes.forEach(function (box) {
          var item = box.closest("[data-candidate]");
          item.hidden = wanted !== "" && fold(box.dataset.name).indexOf(wanted) === -1;
        });
      });
      filter.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") return;
        event.preventDefault();
        var visible = boxes.filter(function (box) {
          return !box.closest("[data-candidate]").hidden;
        });
        if (visible.length === 1) visible[0].checked = !visible[0].checked;
        filter.value = "";
        filter.dispatchEvent(new Event("input"));
        (visible[0] || boxes[0]).focus();
      });
    }

    form.addEventListener("submit", function () {
      var button = form.querySelector('[type="submit"]');
      if (button) button.disabled = true;
    });
  });
})();
