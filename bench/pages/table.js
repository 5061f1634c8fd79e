// Fetches one page of time entries and builds the app's table with plain DOM calls. Returns
// the same measurements the bench takes of the app: milliseconds from the response's last
// byte to the table being in the document, and to the next frame.
// As the app shows them: decimal hours, two places.
const hours = (h) => h.toFixed(2);
const cell = (row, text, className) => {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  row.append(td);
};

window.__run = async (url, headers) => {
  const response = await fetch(url, { headers });
  const page = await response.json();
  const table = document.createElement("table");
  table.id = "entries-table";
  table.innerHTML = '<thead><tr><th scope="col">Date</th><th scope="col">Project</th><th scope="col">Task</th><th scope="col">Notes</th><th scope="col" class="num">Hours</th></tr></thead>';
  const body = document.createElement("tbody");
  let total = 0;
  // Grouped by day, as the app draws them: a heading row per day with its subtotal.
  let day = null;
  for (const e of page.time_entries) {
    if (!day || day.date !== e.spent_date) {
      const heading = document.createElement("tr");
      heading.className = "day";
      const th = document.createElement("th");
      th.scope = "row";
      th.colSpan = 4;
      th.textContent = new Date(`${e.spent_date}T12:00`).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" }).replace(",", "");
      heading.append(th);
      day = { date: e.spent_date, hours: 0, cell: document.createElement("td") };
      day.cell.className = "num";
      heading.append(day.cell);
      body.append(heading);
    }
    day.hours += e.hours;
    day.cell.textContent = hours(day.hours);
    const row = document.createElement("tr");
    cell(row, e.spent_date);
    cell(row, e.project.name);
    cell(row, e.task.name);
    cell(row, e.notes ?? "");
    cell(row, hours(e.hours), "num");
    total += e.hours;
    body.append(row);
  }
  table.append(body);
  const foot = document.createElement("tfoot");
  foot.innerHTML = `<tr><th scope="row" colspan="4">Total</th><td class="num">${hours(total)}</td></tr>`;
  table.append(foot);
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  wrap.append(table);
  document.getElementById("app").append(wrap);
  const built = performance.now();
  const painted = await window.__afterPaint();
  const [timing] = performance.getEntriesByType("resource").filter((r) => r.name === url);
  return { rows: page.time_entries.length, built: built - timing.responseEnd, painted: painted - timing.responseEnd };
};
