// `make bench`: Lighthouse on the Harvest dashboard, in the headless Chromium the bench already
// drives (e2e/examples/bench.rs signs in there, then runs this with the browser's DevTools port
// and the app's URL). Two reports, both in the signed-in tab, whose sessionStorage holds the
// session (the bench's config opts into it) so a reload lands on the dashboard:
//
// - navigations of the app's URL with Lighthouse's mobile defaults (a mid-range phone, a slow
//   4G connection and a 4× slower CPU, simulated): performance, accessibility, best practices.
//   A single run's performance score moves by a few points from run to run (here 94 to 97 for
//   the same build), so LIGHTHOUSE_RUNS (default 5) runs are made and the median one reported,
//   as Lighthouse's own documentation on variability advises;
// - a snapshot of the dashboard once its entries have loaded: accessibility, best practices.
//
// Prints one line of JSON: the scores, the key metrics, and the audits that did not pass.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [port, appUrl, peers] = process.argv.slice(2);
const require = createRequire(`${peers}/lighthouse/`);
const load = async (name) => import(pathToFileURL(require.resolve(name)).href);
const { navigation, snapshot } = await load("lighthouse");
const puppeteer = (await load("puppeteer-core")).default;

const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
const page = (await browser.pages()).find((p) => p.url().startsWith(appUrl));
if (!page) throw new Error(`no tab on ${appUrl}`);

const settings = (categories) => ({
  config: { extends: "lighthouse:default", settings: { onlyCategories: categories } },
});
const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 5);
if (!Number.isInteger(runs) || runs < 1 || runs % 2 === 0) {
  throw new Error(`LIGHTHOUSE_RUNS must be an odd whole number (a median run), not ${process.env.LIGHTHOUSE_RUNS}`);
}
const navs = [];
for (let i = 0; i < runs; i++) {
  navs.push(await navigation(page, appUrl, settings(["performance", "accessibility", "best-practices"])));
}
// A run Lighthouse could not score (null) sorts lowest.
const perf = ({ lhr }) => lhr.categories.performance.score;
const nav = [...navs].sort((a, b) => (perf(a) ?? -1) - (perf(b) ?? -1))[navs.length >> 1];
await page.waitForSelector('#entries-status[data-complete="true"]', { timeout: 60_000 });
const snap = await snapshot(page, settings(["accessibility", "best-practices"]));

const scores = ({ lhr }) =>
  Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round(c.score * 100)]));
const failing = ({ lhr }) =>
  Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && ["binary", "numeric"].includes(a.scoreDisplayMode))
    .map((a) => a.id);
const ms = (id) => Math.round(nav.lhr.audits[id].numericValue);
console.log(JSON.stringify({
  lighthouse: nav.lhr.lighthouseVersion,
  navigation: scores(nav),
  performance_runs: navs.map((n) => (perf(n) === null ? null : Math.round(perf(n) * 100))),
  snapshot: scores(snap),
  metrics: {
    fcp_ms: ms("first-contentful-paint"),
    lcp_ms: ms("largest-contentful-paint"),
    tbt_ms: ms("total-blocking-time"),
    cls: nav.lhr.audits["cumulative-layout-shift"].numericValue,
    si_ms: ms("speed-index"),
  },
  layout_shifts: (nav.lhr.audits["layout-shifts"]?.details?.items ?? []).map((i) => `${i.node?.snippet ?? "?"} ${i.score?.toFixed(3)}`),
  lcp_element: nav.lhr.audits["largest-contentful-paint-element"]?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? null,
  failing: [...new Set([...failing(nav), ...failing(snap)])],
}));
await browser.disconnect();
