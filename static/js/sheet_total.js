// A score sheet's running total while the scorer types: bonus capped as a whole, penalties
// taken off, as awards/scoring.py counts; a value the server would refuse is marked and left
// out. The saved total, computed on the server, stays the one that counts.
document.querySelectorAll("form[data-live-total]").forEach((form) => {
  const output = form.querySelector("[data-testid=live-total]");
  const cap = form.dataset.bonusCap === "" ? Infinity : Number(form.dataset.bonusCap);
  const number = (text) => {
    const value = Number(String(text).trim().replace(",", "."));
    return Number.isFinite(value) && value > 0 ? value : 0;
  };
  // A value the server will refuse (not a number, over the maximum) is marked, not counted.
  const refused = (field) => {
    const text = String(field.value).trim().replace(",", ".");
    const value = Number(text);
    return text !== "" && (!Number.isFinite(value) || value < 0 || value > Number(field.dataset.max));
  };
  const shown = (value) => (Math.round(value * 100) / 100).toLocaleString("vi-VN");
  // A criterion scored by rate: a typed achievement rate gives its points by the table's
  // formula (0 up to the zero rate, the maximum from the full rate, linear between).
  const fromRate = (rateField, pointsField) => {
    const rate = number(rateField.value) / 100;
    const zero = Number(rateField.dataset.zero);
    const full = Number(rateField.dataset.full);
    const share = Math.min(Math.max((rate - zero) / (full - zero), 0), 1);
    return Math.round(Number(pointsField.dataset.max) * share * 100) / 100;
  };
  const update = () => {
    form.querySelectorAll("[data-rate-for]").forEach((rateField) => {
      const pointsField = document.getElementById(rateField.dataset.rateFor);
      if (pointsField && String(rateField.value).trim() !== "") {
        pointsField.value = String(fromRate(rateField, pointsField)).replace(".", ",");
      }
    });
    const sums = { normal: 0, bonus: 0, penalty: 0 };
    form.querySelectorAll("[data-points]").forEach((field) => {
      const wrong = refused(field);
      field.classList.toggle("is-invalid", wrong);
      field.setAttribute("aria-invalid", wrong ? "true" : "false");
      if (!wrong) sums[field.dataset.points] += number(field.value);
    });
    const bonus = Math.min(sums.bonus, cap);
    const total = sums.normal + bonus - sums.penalty;
    output.textContent = output.dataset.template
      .replace("{base}", shown(sums.normal))
      .replace("{bonus}", shown(bonus))
      .replace("{penalty}", shown(sums.penalty))
      .replace("{total}", shown(total));
    output.hidden = false;
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
});
