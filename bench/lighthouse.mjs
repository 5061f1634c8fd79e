// `make bench`: Lighthouse on the Harvest dashboard, in the headless Chromium the bench already
// drives (e2e/examples/bench.rs signs in there, then runs this with the browser's DevTools port
// and the app's URL). Two reports, both in the signed-in tab, whose sessionStorage holds the
// session (the bench's config opts into it) so a reload lands on the dashboard:
//
// - navigations of the app's URL with Lighthouse's mobile defaults (a mid-range phone, a slow
//   4G connection and a 4× slower CPU, simulated): performance, accessibility, best practices.
//   A single run's performance score moves by several points from run to run (91 to 99 here
//   for the same build, with the API delayed by 50 ms; mostly total blocking time, probably
//   because on 2 cores Lighthouse's own work competes with the page, whose tasks the
//   simulation then multiplies by 4), so LIGHTHOUSE_RUNS (default 9) runs are made and the
//   median one reported, as Lighthouse's documentation on variability advises;
// - a snapshot of the dashboard once its entries have loaded: accessibility, best practices.
//
// Prints one line of JSON: the scores, the key metrics, the audits that did not pass, and the
// API requests that ended before the largest paint (see REMOTE_API_MS in bench.rs).
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
const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 9);
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
// LIGHTHOUSE_REPORT=path keeps the median run's whole report (JSON) for a closer look, with
// the access token taken out of the API URLs it lists.
if (process.env.LIGHTHOUSE_REPORT) {
  const report = JSON.stringify(nav.lhr).replace(/(access_token=)[^&"\\]*/g, "$1REDACTED");
  (await import("node:fs")).writeFileSync(process.env.LIGHTHOUSE_REPORT, report);
}
await page.waitForSelector('#entries-status[data-complete="true"]', { timeout: 60_000 });
const snap = await snapshot(page, settings(["accessibility", "best-practices"]));

const scores = ({ lhr }) =>
  Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round(c.score * 100)]));
const failing = ({ lhr }) =>
  Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && ["binary", "numeric"].includes(a.scoreDisplayMode))
    .map((a) => a.id);
// The paths (never the query: it holds the token) of the requests to other origins than the
// app's (here, the API's) that ended before the largest paint of the observed, unthrottled run:
// Lantern (the simulation) counts each of them as needed for that paint. Compared as absolute
// trace timestamps, as Lantern does (the table's times count from the first request, the
// metrics' from the navigation's start); a request that never ended counts if it started
// before. Null when the report lacks what is needed.
function apiBeforeLcp(lhr) {
  const lcpTs = lhr.audits.metrics?.details?.items?.[0]?.observedLargestContentfulPaintTs;
  const table = lhr.audits["network-requests"]?.details;
  const startTs = table?.debugData?.networkStartTimeTs;
  if (!Number.isFinite(lcpTs) || !Number.isFinite(startTs)) return null;
  const app = new URL(appUrl).origin;
  const before = (ms) => Number.isFinite(ms) && startTs + ms * 1000 <= lcpTs;
  return table.items
    .filter((r) => /^https?:/.test(r.url) && new URL(r.url).origin !== app)
    .filter((r) => (r.networkEndTime === undefined ? before(r.networkRequestTime) : before(r.networkEndTime)))
    .map((r) => new URL(r.url).pathname);
}
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
  api_before_lcp: apiBeforeLcp(nav.lhr),
  // How many API requests each run's simulation counted into its largest paint.
  api_before_lcp_runs: navs.map((n) => apiBeforeLcp(n.lhr)?.length ?? null),
  failing: [...new Set([...failing(nav), ...failing(snap)])],
}));
await browser.disconnect();
