// Progressive enhancement for the atlas; every page works without it.
// - view controls (GET forms) apply on change (the submit button remains without JavaScript);
//   forms that change data (POST) wait for their button
// - a tooltip shows an area's or a school's value on hover and on keyboard focus
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll('form.controls:not([method="post"])')) {
    form.addEventListener("change", () => form.submit());
  }
  const tip = document.getElementById("tooltip");
  const map = tip && tip.parentElement;
  if (!map) return;
  // The outline of the area under the pointer or focus is drawn on top of all areas, so that
  // neighbours drawn later cannot hide it.
  const svg = map.querySelector("svg");
  const outline = document.createElementNS("http://www.w3.org/2000/svg", "path");
  outline.setAttribute("class", "hover-outline");
  outline.setAttribute("fill", "none");
  outline.setAttribute("stroke", "#111");
  outline.setAttribute("stroke-width", "2.5");
  outline.setAttribute("pointer-events", "none");
  if (svg) svg.appendChild(outline);
  const trace = (el) => {
    const path = el.querySelector("path.area") || (el.matches("path.area") ? el : null);
    if (path) outline.setAttribute("d", path.getAttribute("d")); else outline.removeAttribute("d");
  };
  const show = (el, x, y) => {
    const label = el.getAttribute("aria-label");
    if (!label) return;
    trace(el);
    tip.textContent = label;
    tip.classList.add("on");
    const box = map.getBoundingClientRect();
    tip.style.left = Math.min(x - box.left + 12, box.width - 200) + "px";
    tip.style.top = (y - box.top + 12) + "px";
  };
  const target = (e) => e.target.closest("[aria-label].area, [aria-label].point, a[aria-label]");
  const hide = () => { tip.classList.remove("on"); outline.removeAttribute("d"); };
  map.addEventListener("mousemove", (e) => { const el = target(e); if (el) show(el, e.clientX, e.clientY); else hide(); });
  map.addEventListener("mouseleave", hide);
  map.addEventListener("focusin", (e) => {
    const el = target(e);
    if (!el) return;
    // Beside the focused area, not on it, so that its outline stays visible.
    const r = el.getBoundingClientRect();
    show(el, r.right, r.bottom);
  });
  map.addEventListener("focusout", hide);
});
