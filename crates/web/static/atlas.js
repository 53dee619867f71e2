// Progressive enhancement for the atlas; every page works without it.
// - map controls apply on change (the submit button remains without JavaScript)
// - a tooltip shows an area's or a school's value on hover and on keyboard focus
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.controls")) {
    form.addEventListener("change", () => form.submit());
  }
  const tip = document.getElementById("tooltip");
  const map = tip && tip.parentElement;
  if (!map) return;
  const show = (el, x, y) => {
    const label = el.getAttribute("aria-label");
    if (!label) return;
    tip.textContent = label;
    tip.classList.add("on");
    const box = map.getBoundingClientRect();
    tip.style.left = Math.min(x - box.left + 12, box.width - 200) + "px";
    tip.style.top = (y - box.top + 12) + "px";
  };
  const target = (e) => e.target.closest("[aria-label].area, [aria-label].point, a[aria-label]");
  map.addEventListener("mousemove", (e) => { const el = target(e); if (el) show(el, e.clientX, e.clientY); else tip.classList.remove("on"); });
  map.addEventListener("mouseleave", () => tip.classList.remove("on"));
  map.addEventListener("focusin", (e) => {
    const el = target(e);
    if (!el) return;
    const r = el.getBoundingClientRect();
    show(el, r.left + r.width / 2, r.top + r.height / 2);
  });
  map.addEventListener("focusout", () => tip.classList.remove("on"));
});
