// Headless browser test of the bimo atlas, as a person would use it.
//
//   BASE_URL=http://127.0.0.1:8080 node --test --test-concurrency=1 atlas.test.mjs
//
// Needs a server with the demo data (`bimo demo`); ./scripts/test starts one. Drives Debian's
// chromium (CHROMIUM, default /usr/bin/chromium) through playwright-core with a fresh profile.
// Screenshots go to SCREENSHOT_DIR (default: test-results/ at the repository root).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE = createRequire(import.meta.url).resolve("axe-core");
const BASE_URL = (process.env.BASE_URL ?? "").replace(/\/+$/, "");
// An account of the demo store with the admin role in `soziales` (./scripts/test makes one).
const LOGIN = process.env.BROWSER_LOGIN ?? "";
const PASSWORD = process.env.BROWSER_PASSWORD ?? "";
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOT_DIR ?? path.resolve(here, "../../test-results");
const KOELN_STADTTEILE = 86;
const HAMBURG_STADTTEILE = 99;
// Berlin's Planungsräume before 2021: 448 polygons, of which 436 are in the MSS 2019 index.
const BERLIN_PLANUNGSRAEUME = 448;

if (!BASE_URL) {
  throw new Error("BASE_URL is not set: start `bimo demo` (or run ./scripts/test) and pass its address");
}

let context;
let page;
let profileDir;
const pageErrors = [];

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  profileDir = await mkdtemp(path.join(tmpdir(), "bimo-chromium-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1400, height: 1000 },
    locale: "de-DE",
  });
  context.setDefaultTimeout(15_000);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) pageErrors.push(`${page.url()}: console: ${m.text()}`);
  });
  // Failed sub-resources (styles, scripts); the browser's own favicon probe does not count.
  page.on("response", (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== "document" && !r.url().endsWith("/favicon.ico")) {
      pageErrors.push(`${page.url()}: ${r.status()} for ${r.url()}`);
    }
  });
});

after(async () => {
  await context?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

const url = (p) => `${BASE_URL}${p}`;

async function open(p) {
  const response = await page.goto(url(p), { waitUntil: "load" });
  assert.equal(response.status(), 200, `GET ${p} answered ${response.status()}`);
  return response;
}

async function shot(name, fullPage = false) {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage });
}

/** The map's area paths (each wrapped in a link) on the current page. */
const mapAreas = () => page.locator(".map svg path.area");

/** Changes a select of the controls form and waits for the page the form submits to. */
async function choose(name, value) {
  const select = page.locator(`form.controls select[name="${name}"]`);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    select.selectOption(value),
  ]);
  assert.equal(response?.status(), 200, `changing ${name} to ${value} answered ${response?.status()}`);
  assert.equal(new URL(page.url()).searchParams.get(name), value, `the URL carries ${name}=${value}`);
  assert.equal(await page.locator(`form.controls select[name="${name}"]`).inputValue(), value);
}

/**
 * A point inside the visible fill of an area (areas are rarely convex, so the centre of the
 * bounding box may belong to a neighbour), in page (viewport) coordinates.
 */
async function interiorPoint(locator) {
  await locator.scrollIntoViewIfNeeded();
  const p = await locator.evaluate((el) => {
    const box = el.getBBox();
    const ctm = el.getScreenCTM();
    const svg = el.ownerSVGElement;
    let best = null;
    for (let n = 2; n <= 32 && !best; n *= 2) {
      for (let i = 1; i < n && !best; i++) {
        for (let j = 1; j < n && !best; j++) {
          const pt = svg.createSVGPoint();
          pt.x = box.x + (box.width * i) / n;
          pt.y = box.y + (box.height * j) / n;
          if (!el.isPointInFill(pt)) continue;
          const s = pt.matrixTransform(ctm);
          if (document.elementFromPoint(s.x, s.y) === el) best = { x: s.x, y: s.y };
        }
      }
    }
    return best;
  });
  assert.ok(p, "found a point inside the area that is not covered by another element");
  return p;
}

/** "Name: value" → name (names may contain ": " themselves, values do not). */
const nameOf = (label) => label.slice(0, label.lastIndexOf(": "));

/** German number text ("1.234", "12,5 %", "−3") → number; null for "keine Daten" etc. */
function parseDe(text) {
  const m = text.replace(/\u2212/g, "-").match(/-?[\d.]+(,\d+)?/);
  if (!m) return null;
  return Number(m[0].replace(/\./g, "").replace(",", "."));
}

test("the home page lists the three Kommunen", async () => {
  await open("/");
  const links = page.locator("main a[href^='/atlas/']");
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const k of ["koeln", "hamburg", "berlin"]) assert.ok(hrefs.includes(`/atlas/${k}`), `home links ${k}: ${hrefs}`);
});

test("Köln map shows the 86 Stadtteile with legend and sources", async () => {
  await open("/atlas/koeln");
  const layer = await page.locator("form.controls select[name=layer]").inputValue();
  if (layer !== "stadtteil") await choose("layer", "stadtteil");
  await assert.doesNotReject(page.locator(".map svg").first().waitFor());
  assert.equal(await mapAreas().count(), KOELN_STADTTEILE, "one path per Stadtteil");
  assert.equal(await page.locator(".map svg a[href] > path.area").count(), KOELN_STADTTEILE, "every area is a link");
  const labels = await page.locator(".map svg a[aria-label]").evaluateAll((as) => as.map((a) => a.getAttribute("aria-label")));
  assert.ok(labels.every((l) => /^.+: .+$/.test(l)), "every area link has an aria-label 'Name: value'");
  assert.ok(await page.locator(".legend svg").isVisible(), "the legend is shown");
  assert.match(await page.locator("#maptitle").innerText(), /Stadtteile/);
  assert.match(await page.locator("p.sources").first().innerText(), /Lizenz/);
  await shot("map-koeln.png");
});

test("switching variable and year changes URL and map title", async () => {
  await open("/atlas/koeln?layer=stadtteil");
  const titleBefore = await page.locator("#maptitle").innerText();
  const varSelect = page.locator("form.controls select[name=var]");
  const current = await varSelect.inputValue();
  const options = await varSelect.locator("option").evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
  assert.ok(options.length > 1, "there is more than one variable to choose");
  // Prefer an age band, the most interesting switch; any other variable will do.
  const next = options.find((o) => o.value !== current && o.value.includes("alter")) ?? options.find((o) => o.value !== current);
  await choose("var", next.value);
  const titleVar = await page.locator("#maptitle").innerText();
  assert.notEqual(titleVar, titleBefore, "the map title changes with the variable");
  assert.ok(titleVar.startsWith(next.label), `map title "${titleVar}" names the variable "${next.label}"`);
  assert.equal(new URL(page.url()).searchParams.get("layer"), "stadtteil", "the layer is kept");
  assert.equal(await mapAreas().count(), KOELN_STADTTEILE);

  await choose("year", "2005");
  const titleYear = await page.locator("#maptitle").innerText();
  assert.match(titleYear, /2005$/, `map title "${titleYear}" ends with the year`);
  assert.notEqual(titleYear, titleVar);
  assert.equal(new URL(page.url()).searchParams.get("var"), next.value, "the variable is kept");
  assert.equal(await mapAreas().count(), KOELN_STADTTEILE);
  await shot("map-koeln-2005.png");
});

test("hovering an area shows its value in the tooltip", async () => {
  await open("/atlas/koeln?layer=stadtteil&var=einwohner&year=2012");
  const tooltip = page.locator("#tooltip");
  assert.equal(await tooltip.isVisible(), false, "no tooltip before hovering");
  const area = mapAreas().nth(10);
  const label = await area.evaluate((el) => el.closest("a").getAttribute("aria-label"));
  const p = await interiorPoint(area);
  await page.mouse.move(p.x, p.y, { steps: 3 });
  await assert.doesNotReject(tooltip.waitFor({ state: "visible" }));
  assert.equal(await tooltip.innerText(), label);
  assert.match(label, /^.+: .*\d/, `tooltip "${label}" shows the area's value`);
  // The tooltip stays inside the map.
  const [tip, map] = [await tooltip.boundingBox(), await page.locator(".map").boundingBox()];
  assert.ok(tip.x >= map.x - 1 && tip.x + tip.width <= map.x + map.width + 1, "tooltip inside the map horizontally");
  await shot("map-koeln-hover.png");
  await page.mouse.move(5, 5);
  await assert.doesNotReject(tooltip.waitFor({ state: "hidden" }));
});

test("areas are reachable with Tab and show the tooltip on focus", async () => {
  await open("/atlas/koeln?layer=stadtteil&var=einwohner&year=2012");
  // Start at the link right before the map, then Tab into it.
  await page.locator(".mapbox p.hint a").focus();
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return { inMap: !!el.closest(".map svg"), label: el.getAttribute("aria-label"), href: el.getAttribute("href") };
  });
  assert.ok(focused.inMap, "Tab moves into the map");
  assert.ok(focused.label, "the focused area has an aria-label");
  const tooltip = page.locator("#tooltip");
  await assert.doesNotReject(tooltip.waitFor({ state: "visible" }));
  assert.equal(await tooltip.innerText(), focused.label);
  await page.keyboard.press("Tab");
  const second = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
  assert.notEqual(second, focused.label, "the next Tab moves to the next area");
  assert.equal(await tooltip.innerText(), second);
  await shot("map-koeln-focus.png");
  // Enter follows the link to the area's profile.
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
  assert.match(page.url(), /\/atlas\/koeln\/gebiet\/stadtteil\//);
  assert.equal(await page.locator("h1").evaluate((h) => h.firstChild.textContent.trim()), nameOf(second));
});

test("clicking an area opens its profile", async () => {
  await open("/atlas/koeln?layer=stadtteil&var=einwohner&year=2012");
  const area = page.locator('.map svg path.area[data-key="101"]');
  assert.equal(await area.count(), 1, "Stadtteil 101 is on the map");
  const name = nameOf(await area.evaluate((el) => el.closest("a").getAttribute("aria-label")));
  const p = await interiorPoint(area);
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.mouse.click(p.x, p.y)]);
  assert.equal(response.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/atlas\/koeln\/gebiet\/stadtteil\/101$/);

  const h1 = await page.locator("h1").innerText();
  assert.ok(h1.startsWith(name), `h1 "${h1}" names the area "${name}"`);

  // Kennzahlen: the area against its Stadtbezirk and the city.
  const kennzahlen = page.locator("section[aria-labelledby=kennzahlen] table");
  const heads = (await kennzahlen.locator("thead th").allInnerTexts()).map((t) => t.trim());
  assert.equal(heads.length, 4, `Kennzahlen columns: ${heads.join(" | ")}`);
  assert.equal(heads[1], name);
  const bezirk = heads[2];
  const crumbs = (await page.locator("nav.breadcrumb a").allInnerTexts()).map((t) => t.trim());
  assert.ok(crumbs.includes(bezirk), `the third column "${bezirk}" is the Stadtbezirk of the breadcrumb ${crumbs}`);
  assert.notEqual(bezirk, "Stadt Köln");
  assert.equal(heads[3], "Stadt Köln");
  const rows = kennzahlen.locator("tbody tr");
  assert.ok((await rows.count()) >= 5, "several key figures");
  const labels = (await rows.locator("th").allInnerTexts()).map((t) => t.trim());
  const total = labels.indexOf("Einwohner");
  assert.ok(total >= 0, `a key figure "Einwohner" among ${labels.join(" | ")}`);
  const einwohner = (await rows.nth(total).locator("td").allInnerTexts()).map(parseDe);
  assert.ok(einwohner.every((v) => v !== null), `first key figure has values: ${einwohner}`);
  assert.ok(einwohner[0] < einwohner[1] && einwohner[1] < einwohner[2], `area < Stadtbezirk < city: ${einwohner}`);

  const figure = (caption) => page.locator("figure", { has: page.locator("figcaption", { hasText: caption }) });
  assert.ok((await figure("Zeitreihe").locator("svg path.series").count()) >= 2, "time series with area and comparison lines");
  assert.ok((await figure("Altersaufbau").locator("svg rect.bar").count()) >= 5, "age structure chart with bars");
  assert.equal(await figure("Lage").locator("svg .highlight").count(), 1, "locator map highlights the area");

  const schools = page.locator("section[aria-labelledby=schulen]");
  const count = Number((await schools.locator("h2").innerText()).match(/\((\d+)\)/)[1]);
  assert.ok(count > 0, "Altstadt/Süd has schools");
  assert.equal(await schools.locator("table tbody tr").count(), count, "one row per school");
  await shot("profile-koeln-101.png", true);

  // The same area's Quartiersprofil as a report: a tagged PDF and an HTML file.
  const pdfLink = page.locator("p.downloads a", { hasText: "PDF" });
  const pdf = await page.request.get(new URL(await pdfLink.getAttribute("href"), page.url()).href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()["content-type"], "application/pdf");
  assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
  await page.locator("p.downloads a", { hasText: "HTML" }).click();
  await page.waitForURL(/quartiersprofil\.html$/);
  assert.ok((await page.locator("h1").innerText()).startsWith("Quartiersprofil " + name));
});

test("table view sorts by value and offers the same data as CSV", async () => {
  await open("/atlas/koeln?layer=stadtteil&var=einwohner&year=2012");
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.locator(".mapbox p.hint a").click()]);
  assert.match(new URL(page.url()).pathname, /\/atlas\/koeln\/tabelle$/);
  const table = page.locator("main table.data");
  assert.equal(await table.locator("tbody tr").count(), KOELN_STADTTEILE);

  const valueHeader = table.locator("thead th.num");
  const values = async () => (await table.locator("tbody td.num").allInnerTexts()).map(parseDe).filter((v) => v !== null);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), valueHeader.locator("a").click()]);
  assert.equal(new URL(page.url()).searchParams.get("sort"), "wert");
  assert.equal(await table.locator("thead th.num").getAttribute("aria-sort"), "ascending");
  const asc = await values();
  assert.equal(asc.length, KOELN_STADTTEILE);
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b), "ascending order");

  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), table.locator("thead th.num a").click()]);
  assert.equal(await table.locator("thead th.num").getAttribute("aria-sort"), "descending");
  const desc = await values();
  assert.deepEqual(desc, [...asc].reverse(), "descending order");
  await shot("table-koeln.png", true);

  const href = await page.locator("main a[href*='tabelle.csv']").getAttribute("href");
  const csv = await page.request.get(url(href));
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()["content-type"], /^text\/csv/);
  const text = await csv.text();
  const lines = text.replace(/^\uFEFF/, "").split("\r\n").filter((l) => l !== "");
  assert.equal(lines[0], "schluessel;gebiet;ebene;merkmal;zeitraum;darstellung;wert;zeichen;quelle;lizenz");
  assert.equal(lines.length, KOELN_STADTTEILE + 1, "header plus one row per Stadtteil");
  assert.ok(lines.slice(1).every((l) => l.split(";")[2] === "stadtteil" && l.split(";")[4] === "2012"), "rows are Stadtteile of 2012");
  const tableKeys = (await table.locator("tbody tr td:first-child").allInnerTexts()).map((t) => t.trim());
  const csvKeys = lines.slice(1).map((l) => l.split(";")[0]);
  assert.deepEqual(csvKeys, tableKeys, "the CSV has the table's areas in the table's order");
  const csvValues = lines.slice(1).map((l) => Number(l.split(";")[6].replace(",", ".")));
  assert.ok(csvValues.every((v, i) => Math.abs(v - desc[i]) <= Math.max(0.5, Math.abs(v) * 0.001)), "the CSV values match the table's rounded values");
});

test("Hamburg map shows the 99 Stadtteile", async () => {
  await open("/atlas/hamburg");
  assert.equal(await mapAreas().count(), HAMBURG_STADTTEILE);
  assert.ok(await page.locator(".legend svg").isVisible());
  await shot("map-hamburg.png");
});

test("the indicator catalogue leads to a sheet and the overview grid", async () => {
  await open("/atlas/koeln/indikatoren");
  const intro = await page.locator("main p").first().innerText();
  assert.match(intro, /^\d+ Indikatoren nach dem Anwendungsleitfaden/);
  assert.ok((await page.locator("main h2").count()) >= 9, "one section per Leitfaden area A–I");
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.getByRole("link", { name: "Jugendquote" }).click()]);
  assert.equal(await page.locator("h1").innerText(), "Jugendquote");
  assert.match(await page.locator("dl.sheet").innerText(), /100 × \(einwohner\[alter=0\.\.18\]\)/);
  // The newest year and finest layer where the indicator has values: the Stadtteile (the synthetic
  // single ages of the Stadtviertel are by sex, which the age bands of the Jugendquote cannot use).
  assert.equal(await mapAreas().count(), KOELN_STADTTEILE, "the sheet maps the Stadtteile");
  assert.equal(await page.locator("#gebiete ~ div table tbody tr").count(), KOELN_STADTTEILE);
  await shot("indikator-jugendquote.png", true);

  await open("/atlas/koeln/indikator/auslaenderanteil?layer=stadtteil&year=2012");
  const row = page.locator("#gebiete ~ div table tbody tr").first();
  assert.match(await row.innerText(), /%\s+\d+,\d %\s+–\s+\d+,\d %/, "value and 95 % interval");
  assert.ok((await page.locator(".badge").count()) > 0, "areas are compared with the city");

  await open("/atlas/koeln/indikatoren/uebersicht");
  assert.equal(await page.locator("table.grid tbody tr").count(), KOELN_STADTTEILE);
  const judged = await page.locator("table.grid td[class*='j-']").count();
  assert.ok(judged > 86, `most cells carry a comparison (${judged})`);
  await shot("indikatoren-uebersicht.png");
});

test("Berlin's Sozialmonitoring maps the published MSS 2019 classes and explains an area", async () => {
  await open("/atlas/berlin");
  await page.getByRole("link", { name: "Sozialmonitoring" }).click();
  await page.getByRole("link", { name: "Monitoring Soziale Stadtentwicklung" }).click();
  await page.waitForURL(/\/sozialmonitoring\/berlin-mss/);
  assert.equal(await mapAreas().count(), BERLIN_PLANUNGSRAEUME, "one path per Planungsraum");
  const legend = await page.locator("ul.classes").innerText();
  // The published status class counts of MSS 2019 (METHODS.md §1.4).
  for (const line of ["1 hoch: 67", "2 mittel: 283", "3 niedrig: 47", "4 sehr niedrig: 39", "nicht im Index: 12"]) {
    assert.ok(legend.includes(line), `legend has ${line}: ${legend}`);
  }
  const gesamt = await page.locator("section[aria-labelledby=gesamt] table").innerText();
  assert.match(gesamt, /2\+\/-\s+243/, "Gesamtindex 2+/- 243");
  await shot("sozialmonitoring-berlin.png");
  // The dynamics map: the part select switches the map and keeps a stable URL.
  await page.locator("form.controls select[name=teil]").selectOption("dynamik");
  await page.getByRole("button", { name: "Anzeigen" }).click();
  await page.waitForURL(/teil=dynamik/);
  assert.match(await page.locator("ul.classes").innerText(), /\+\/- stabil: 357/);
  // Maulbeerallee: status 4 (I = 3.37), driven by its three status indicators.
  await page.locator(".map svg a[aria-label^='Maulbeerallee:']").click();
  await page.waitForURL(/\/gebiet\/05020523/);
  assert.match(await page.locator("h1").innerText(), /Maulbeerallee \(05020523\)/);
  const status = await page.locator("section[aria-labelledby=teil-status]").innerText();
  assert.match(status, /4 sehr niedrig/);
  assert.match(status, /Index 3,37/);
  assert.match(status, /Rang 1?\d von 436/);
  assert.equal(await page.locator("section[aria-labelledby=teil-status] svg rect.bar").count(), 3, "one bar per indicator");
  await shot("sozialmonitoring-berlin-gebiet.png", true);
});

test("a Köln edition lists early warnings against the previous one", async () => {
  await open("/atlas/koeln/sozialmonitoring/koeln-bevoelkerung-demo?ausgabe=2012");
  const text = await page.locator("section[aria-labelledby=fruehwarnung]").innerText();
  assert.match(text, /gegenüber der Ausgabe 2011/);
  assert.ok(await page.locator("section[aria-labelledby=fruehwarnung] tbody tr").count() > 0, "at least one warning");
  const csv = await page.request.get(url("/atlas/koeln/sozialmonitoring/koeln-bevoelkerung-demo/tabelle.csv?ausgabe=2012"));
  assert.equal(csv.status(), 200);
  assert.equal((await csv.text()).trim().split("\n").length, 1 + KOELN_STADTTEILE, "a header and one row per Stadtteil");
});

test("the school plan maps utilisation, explains a school and compares scenarios", async () => {
  await open("/atlas/koeln");
  await page.getByRole("link", { name: "Schulplanung" }).click();
  await page.waitForURL(/\/atlas\/koeln\/planung/);
  assert.match(await page.locator("h1").innerText(), /synthetische Schülerzahlen/, "synthetic data are labelled");
  const points = page.locator(".map svg circle.point");
  assert.ok((await points.count()) > 150, "one point per planned school");
  const legend = await page.locator("ul.classes").innerText();
  const counted = [...legend.matchAll(/: (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.ok(counted > 150, `the legend counts the schools: ${legend}`);
  assert.ok((await page.locator("section[aria-labelledby=schulen] tbody tr").count()) > 150, "a table row per school");
  await shot("planung-koeln.png");
  // Another year and a scenario: the URL says what is shown.
  await page.locator("form.controls select[name=szenario]").selectOption("Neubaugebiet Kreuzfeld");
  await page.locator("form.controls select[name=jahr]").selectOption("2032");
  await page.getByRole("button", { name: "Anzeigen" }).click();
  await page.waitForURL(/szenario=Neubaugebiet\+Kreuzfeld|szenario=Neubaugebiet%20Kreuzfeld/);
  assert.match(await page.locator("#karte").innerText(), /2032\/33/);
  // A school: its forecast per grade against its places, and the back-test.
  await page.locator("section[aria-labelledby=schulen] tbody tr th a").first().click();
  await page.waitForURL(/\/planung\/schule\//);
  assert.ok(await page.locator("figure svg").first().isVisible(), "the forecast chart");
  assert.equal(await page.locator("section[aria-labelledby=jahre] tbody tr").count(), 10, "ten forecast years");
  await shot("planung-schule.png", true);
  await open("/atlas/koeln/planung/vergleich?a=Basis&b=Schlie%C3%9Fung%20und%20neuer%20Zug&jahr=2030");
  const compared = await page.locator("main").innerText();
  assert.match(compared, /Szenarien im Vergleich/);
  assert.match(compared, /geschlossen/, "the closed school is shown as closed in B");
});

test("the transitions page draws the Statistikstelle's flows as a Sankey diagram over their numbers", async () => {
  await open("/atlas/koeln");
  await page.getByRole("link", { name: "Übergänge" }).click();
  await page.waitForURL(/\/atlas\/koeln\/uebergaenge/);
  assert.equal(
    await page.locator("#sankey").innerText(),
    "Übergänge von Klasse 4 in Klasse 5: Stadtbezirke nach Schulform (Ziel), Stadt Köln 2024/25",
  );
  const sankey = () => page.locator("figure.sankey svg");
  assert.equal(await sankey().locator("rect.node").count(), 9 + 4, "nine Stadtbezirke, four Schulformen");
  assert.equal(await sankey().locator("path.flow").count(), 9 * 4, "every Stadtbezirk × Schulform cell is published");
  assert.equal(await sankey().locator("text.note").count(), 0, "nothing withheld, nothing to note");
  // A band's count is the number in the table under the diagram.
  const gymnasium = await sankey().locator('path.flow[data-from="001"][data-to="Gymnasium"]').getAttribute("data-value");
  const innenstadt = await page.locator("section[aria-labelledby=zahlen] tbody tr").first().innerText();
  assert.match(innenstadt, new RegExp(`^Innenstadt\\s+\\S+ \\([\\d,]+ %\\)\\s+${gymnasium} \\(`), innenstadt);
  await shot("uebergaenge-koeln.png", true);
  // The Stadtteile of the Innenstadt: small cells are withheld, not drawn, and counted in a note.
  await choose("gebiet", "stadtbezirk:001");
  assert.equal(await sankey().locator("rect.node").count(), 5 + 4, "five Stadtteile, four Schulformen");
  const note = await sankey().locator("text.note").textContent();
  const withheld = Number(note.match(/^(\d+) Ströme geheim gehalten/)?.[1]);
  const dots = await page
    .locator("section[aria-labelledby=zahlen] tbody td")
    .evaluateAll((tds) => tds.filter((td) => td.textContent.trim() === ".").length);
  assert.ok(withheld > 0 && dots === withheld, `the note (${note}) counts the table's ${dots} withheld cells`);
  assert.equal(await sankey().locator("path.flow").count(), 5 * 4 - withheld, "withheld cells are not drawn");
  await shot("uebergaenge-innenstadt.png", true);
});

test("sources page names the licences", async () => {
  await open("/quellen");
  const text = await page.locator("main").innerText();
  assert.match(text, /CC BY/, "Köln's CC licence");
  assert.match(text, /dl-de\/by-2-0/, "the Datenlizenz Deutschland");
  await shot("quellen.png", true);
});

// WCAG 2.1 level A and AA, as far as axe-core checks them automatically (a part of the criteria
// only: it cannot judge, say, whether a text alternative is meaningful).
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE_PAGES = [
  "/atlas/koeln",
  "/atlas/koeln?schools=1",
  "/atlas/koeln/tabelle",
  "/atlas/koeln/gebiet/stadtteil/101",
  "/atlas/koeln/gebiet/stadtteil/101/quartiersprofil.html",
  "/atlas/koeln/schulen",
  "/atlas/hamburg",
  "/atlas/koeln/indikatoren",
  "/atlas/koeln/indikator/auslaenderanteil",
  "/atlas/koeln/indikatoren/uebersicht",
  "/atlas/berlin/sozialmonitoring/berlin-mss",
  "/atlas/berlin/sozialmonitoring/berlin-mss/gebiet/05020523",
  "/atlas/koeln/sozialmonitoring/koeln-bevoelkerung-demo",
  "/atlas/koeln/planung",
  "/atlas/koeln/planung/schule/111910",
  "/atlas/koeln/planung/vergleich",
  "/atlas/koeln/uebergaenge",
  "/atlas/koeln/uebergaenge?merkmal=uebergaenge_5&gebiet=stadtbezirk%3A001",
  "/atlas/koeln/angebote",
  "/atlas/koeln/angebot/lesepaten-chorweiler",
  "/atlas/koeln/versorgung?phase=grundschule",
  "/atlas/koeln/ziele",
  "/atlas/koeln/massnahmen",
  "/anmelden",
  "/quellen",
];
// The standalone HTML of the long reports (bimo report bericht), written by scripts/test beside the
// demo store: comma-separated file paths.
const REPORT_FILES = (process.env.REPORT_HTML ?? "").split(",").filter(Boolean);
// Error pages are pages people reach too (an old link to an area that no longer exists).
const AXE_ERROR_PAGES = [{ path: "/atlas/koeln/gebiet/stadtteil/0", status: 404 }];
// The desktop size of the other tests, and a phone's width, where wide tables scroll sideways
// (some rules, such as scrollable-region-focusable, only apply to content that overflows).
const AXE_VIEWPORTS = [
  { width: 1400, height: 1000 },
  { width: 375, height: 800 },
];

/** axe-core's WCAG violations on the current page, one line each: id, impact, help, first 3 targets. */
async function axeViolations() {
  // Evaluated, not added as a script tag: the atlas's Content-Security-Policy allows no inline scripts.
  await page.evaluate(await readFile(AXE, "utf8"));
  const violations = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: "tag", values } }).then((r) => r.violations),
    WCAG_TAGS,
  );
  return violations.map((v) => {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.join(" "));
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : "";
    return `${v.id} [${v.impact}] ${v.help}: ${targets.join(" | ")}${more}`;
  });
}

test("axe-core finds no WCAG 2.1 A/AA violations", async () => {
  const problems = [];
  const desktop = page.viewportSize();
  try {
    for (const viewport of AXE_VIEWPORTS) {
      await page.setViewportSize(viewport);
      const size = `${viewport.width}px`;
      for (const p of AXE_PAGES) {
        await open(p);
        problems.push(...(await axeViolations()).map((v) => `${p} (${size}): ${v}`));
      }
      for (const file of REPORT_FILES) {
        await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
        problems.push(...(await axeViolations()).map((v) => `${path.basename(file)} (${size}): ${v}`));
      }
      for (const { path: p, status } of AXE_ERROR_PAGES) {
        const response = await page.goto(url(p), { waitUntil: "load" });
        assert.equal(response.status(), status, `GET ${p} answered ${response.status()}`);
        problems.push(...(await axeViolations()).map((v) => `${p} (${size}): ${v}`));
      }
    }
  } finally {
    await page.setViewportSize(desktop);
  }
  assert.deepEqual(problems, [], `axe-core violations:\n${problems.join("\n")}`);
});

test("signing in shows the account, a wrong password is refused, signing out ends the session", { skip: !LOGIN && "BROWSER_LOGIN is not set" }, async () => {
  const response = await page.goto(url("/konto"), { waitUntil: "load" });
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, "/anmelden", "the account page asks to sign in first");
  assert.deepEqual(await axeViolations(), [], "axe-core on the sign-in form");
  await page.fill('input[name="login"]', LOGIN);
  await page.fill('input[name="passwort"]', "falsches-passwort");
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('form button[type="submit"]')]);
  assert.match(await page.locator("[role=alert]").innerText(), /Anmeldename oder Passwort falsch/);
  await shot("anmelden-fehler.png");
  await page.fill('input[name="passwort"]', PASSWORD);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('form button[type="submit"]')]);
  assert.equal(new URL(page.url()).pathname, "/konto");
  const text = await page.locator("main").innerText();
  assert.match(text, /Angemeldet als Browser-Test/);
  assert.match(text, /Dezernat Soziales\s+Verwalten/);
  // All cookies: playwright filters Secure cookies out of a query for an http:// URL.
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "bimo_sitzung");
  assert.ok(session?.httpOnly && session.secure && session.sameSite === "Strict", `session cookie ${JSON.stringify(session)}`);
  assert.deepEqual(await axeViolations(), [], "axe-core on the account page");
  await shot("konto.png", true);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('form[action="/abmelden"] button')]);
  await page.goto(url("/konto"), { waitUntil: "load" });
  assert.equal(new URL(page.url()).pathname, "/anmelden", "signed out");
});

/** Signs in through the form with the test account. */
async function signIn() {
  await page.goto(url("/anmelden"), { waitUntil: "load" });
  await page.fill('input[name="login"]', LOGIN);
  await page.fill('input[name="passwort"]', PASSWORD);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click('form button[type="submit"]')]);
  assert.equal(new URL(page.url()).pathname, "/konto", "signed in");
}

/** Submits the form that holds `button` and waits for the page it leads to. */
async function submit(button) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
  return response;
}

test("an editor enters an offer, the gap analysis maps it, a measure is reviewed and a Lenkungskreis decides", { skip: !LOGIN && "BROWSER_LOGIN is not set" }, async () => {
  await signIn();
  const problems = [];
  // The offer editor: a wrong period is refused on the form, with the message at its field.
  await open("/atlas/koeln/angebote/neu");
  const form = page.locator('form[action="/atlas/koeln/angebote"]');
  await form.locator('input[name="key"]').fill("sprachcafe-chorweiler-test");
  await form.locator('input[name="title"]').fill("Sprachcafé Chorweiler");
  await form.locator('select[name="phase"]').selectOption("kita");
  await form.locator('input[name="target_group"]').fill("Eltern und Kinder vor der Einschulung");
  await form.locator('input[name="traeger"]').fill("Dezernat Soziales");
  await form.locator('input[name="longitude"]').fill("6,8990");
  await form.locator('input[name="latitude"]').fill("51,0250");
  await form.locator('input[name="capacity"]').fill("25");
  await form.locator('input[name="from"]').fill("2026-01-01");
  await form.locator('input[name="to"]').fill("2025-12-31");
  let response = await submit(form.locator('button[type="submit"]'));
  assert.equal(response.status(), 422);
  assert.match(await page.locator("[role=alert]").innerText(), /nicht gespeichert: 1 Angabe/);
  assert.match(await page.locator("#fehler-to").innerText(), /endet vor seinem Beginn/);
  problems.push(...(await axeViolations()).map((v) => `offer form with errors: ${v}`));
  await shot("angebot-fehler.png", true);
  await page.locator('input[name="to"]').fill("");
  response = await submit(page.locator('form[action="/atlas/koeln/angebote"] button[type="submit"]'));
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, "/atlas/koeln/angebot/sprachcafe-chorweiler-test");
  assert.match(await page.locator("h1").innerText(), /Sprachcafé Chorweiler/);

  // The gap analysis: every Stadtteil on the map, the legend's counts add up, the gaps ranked.
  await open("/atlas/koeln/versorgung?phase=kita");
  assert.equal(await mapAreas().count(), KOELN_STADTTEILE);
  const counts = (await page.locator(".legend li").allInnerTexts()).map((t) => Number(t.match(/: (\d+)$/)?.[1] ?? 0));
  assert.equal(counts.reduce((a, b) => a + b, 0), KOELN_STADTTEILE, `legend counts ${counts}`);
  const ranks = (await page.locator("table.data tbody tr td:first-child").allInnerTexts()).map(Number);
  assert.deepEqual(ranks, ranks.map((_, i) => i + 1), "gaps ranked 1, 2, 3 …");
  problems.push(...(await axeViolations()).map((v) => `gap analysis: ${v}`));
  await shot("versorgung-kita.png");

  // A measure's review: the path since the baseline with its interval, and a judgement recorded.
  await open("/atlas/koeln/massnahme/finkenberg-familienzentrum");
  assert.match(await page.locator("main").innerText(), /Finkenberg: Ziel erreicht/);
  assert.ok((await page.locator("figure svg").count()) >= 1, "the path is drawn");
  const judge = page.locator('form[action$="/urteil"]').first();
  await judge.locator('select[name="befund"]').selectOption("erreicht");
  await judge.locator('input[name="reviewer"]').fill("Browser-Test");
  await judge.locator('input[name="comment"]').fill("Ziel 2012 übertroffen");
  await submit(judge.locator("button"));
  assert.match(await page.locator("main").innerText(), /Ziel erreicht – Browser-Test: Ziel 2012 übertroffen/);
  problems.push(...(await axeViolations()).map((v) => `measure review: ${v}`));
  await shot("massnahme-ueberpruefung.png", true);

  // The Lenkungskreis: a meeting, an item taken from the proposals, a decision adopting the
  // measure, a task.
  await open("/atlas/koeln/lenkungskreis");
  const setup = page.locator('form[action="/atlas/koeln/lenkungskreis"]');
  const meeting = `browser-test-${Date.now()}`;
  await setup.locator('input[name="sitzung"]').fill(meeting);
  await setup.locator('input[name="title"]').fill("Lenkungskreis Bildung und Soziales (Test)");
  await submit(setup.locator("button"));
  assert.equal(new URL(page.url()).pathname, `/atlas/koeln/lenkungskreis/${meeting}`);
  const proposals = await page.locator("ul.proposals li").count();
  assert.ok(proposals > 0, "proposals from the findings");
  await submit(page.locator("ul.proposals li").first().locator("button"));
  assert.equal(await page.locator("ol.agenda > li").count(), 1);
  const decision = page.locator('form[action$="/beschluss"]');
  await decision.locator('input[name="text"]').fill("Das Familienzentrum wird verstetigt.");
  await decision.locator('input[name="massnahmen"]').fill("finkenberg-familienzentrum");
  await submit(decision.locator("button"));
  assert.match(await page.locator(".beschluss").innerText(), /verstetigt/);
  const task = page.locator('form[action$="/aufgabe"]');
  await task.locator('input[name="text"]').fill("Finanzierung ab 2027 klären");
  await task.locator('input[name="deadline"]').fill("2027-03-31");
  await submit(task.locator("button"));
  assert.match(await page.locator("table.data").last().innerText(), /Finanzierung ab 2027 klären/);
  assert.equal(await page.locator("ol.history li").count(), 4, "set up, item, decision, task");
  problems.push(...(await axeViolations()).map((v) => `Lenkungskreis: ${v}`));
  await shot("lenkungskreis.png", true);
  assert.deepEqual(problems, [], `axe-core violations:\n${problems.join("\n")}`);
});

test("no script errors on any page", () => {
  assert.deepEqual(pageErrors, []);
});
