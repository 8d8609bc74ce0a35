// A score sheet's running total while the scorer types: each value clamped to its criterion's
// maximum, bonus capped as a whole, penalties taken off — the same rule as awards/scoring.py;
// the saved total, computed on the server, stays the one that counts.
document.querySelectorAll("form[data-live-total]").forEach((form) => {
  const output = form.querySelector("[data-testid=live-total]");
  const cap = form.dataset.bonusCap === "" ? Infinity : Number(form.dataset.bonusCap);
  const number = (text) => {
    const value = Number(String(text).trim().replace(",", "."));
    return Number.isFinite(value) && value > 0 ? value : 0;
  };
  const shown = (value) => (Math.round(value * 100) / 100).toLocaleString("vi-VN");
  const update = () => {
    const sums = { normal: 0, bonus: 0, penalty: 0 };
    form.querySelectorAll("[data-points]").forEach((field) => {
      sums[field.dataset.points] += Math.min(number(field.value), Number(field.dataset.max));
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
