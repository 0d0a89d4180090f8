// Opens each HTML report given on the command line in Debian's headless chromium (file://) and prints, as one JSON array on
// stdout, what the page shows and does: the status table's rows, the chart's transition marks, the events table, the
// console errors and page errors, dialogs opened, scripts and images present, and every request the page made.
// The caller (tests/Shared.Tests/Cli/ReportCommandTests.cs) compares that view with the records and events it stored.
// Usage: node inspect-report.mjs REPORT.html… (CHROMIUM names the browser binary; default: chromium on PATH)
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch { /* next */ }
  }
  throw new Error('no chromium on PATH (scripts/bootstrap installs it: apt-get install chromium)');
}

async function inspect(browser, file) {
  const page = await browser.newPage();
  const view = { file, url: pathToFileURL(file).href, requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('request', request => view.requests.push(request.url()));
  page.on('console', message => { if (message.type() === 'error') view.consoleErrors.push(message.text()); });
  page.on('pageerror', error => view.pageErrors.push(String(error)));
  page.on('dialog', async dialog => { view.dialogs.push(dialog.message()); await dialog.dismiss(); });
  await page.goto(view.url, { waitUntil: 'load' });
  // Let anything the page might start (a late request, a timer) show before reading it.
  await new Promise(resolve => setTimeout(resolve, 300));
  Object.assign(view, await page.evaluate(() => {
    const cells = row => [...row.cells].map(cell => cell.textContent);
    return {
      title: document.title,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
      rows: [...document.querySelectorAll('#status-table tbody tr')].map(row => ({ status: row.dataset.status ?? null, cells: cells(row) })),
      marks: [...document.querySelectorAll('#transitions-chart circle.transition')].map(mark => ({
        image: mark.dataset.image, from: mark.dataset.from, to: mark.dataset.to, at: mark.dataset.at,
        x: Number(mark.getAttribute('cx')), title: mark.querySelector('title')?.textContent ?? null,
      })),
      events: [...document.querySelectorAll('#event-table tbody tr')].map(row => ({ id: row.dataset.id ?? null, cells: cells(row) })),
      scripts: document.querySelectorAll('script').length,
      images: document.querySelectorAll('img, image, iframe, object, embed, link[rel]').length,
      eventHandlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
    };
  }));
  await page.close();
  return view;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node inspect-report.mjs REPORT.html…');
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: chromiumPath(),
  headless: true,
  // Root in a container has no user namespace for chromium's sandbox; the page is our own local file.
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const views = [];
  for (const file of files) views.push(await inspect(browser, file));
  process.stdout.write(JSON.stringify(views));
} finally {
  await browser.close();
}
