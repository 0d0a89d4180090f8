// A loopback stand-in for the Container Analysis v1 REST API, for the local demo only.
// Serves occurrences from a JSON file ({"occurrences":[{name, kind, resourceUri, vulnerability…}]}), re-read on every request
// so the demo can add occurrences while it runs. Shapes follow containeranalysis.v1.json (Occurrence, ListOccurrencesResponse).
// Usage: node containeranalysis-standin.mjs PORT FILE
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [port, file] = process.argv.slice(2);
if (!port || !file) {
  console.error('usage: containeranalysis-standin.mjs PORT FILE');
  process.exit(2);
}

const load = () => JSON.parse(readFileSync(file, 'utf8')).occurrences ?? [];
const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = decodeURIComponent(url.pathname);
  const occurrences = load();
  let match;
  if ((match = path.match(/^\/v1\/(projects\/[^/]+\/occurrences\/[^/:]+)$/))) {
    const found = occurrences.find((o) => o.name === match[1]);
    return found ? send(res, 200, found) : send(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: `${match[1]} not found` } });
  }
  if ((match = path.match(/^\/v1\/projects\/([^/]+)\/occurrences$/))) {
    const filter = url.searchParams.get('filter') ?? '';
    const resource = (filter.match(/resourceUrl="([^"]+)"/) ?? [])[1];
    const kind = (filter.match(/kind="([^"]+)"/) ?? [])[1];
    const selected = occurrences.filter((o) => (!resource || o.resourceUri === resource) && (!kind || o.kind === kind));
    const pageSize = Math.max(1, Math.min(1000, Number(url.searchParams.get('pageSize') ?? 100)));
    const start = Number(url.searchParams.get('pageToken') || 0);
    const page = selected.slice(start, start + pageSize);
    const next = start + pageSize < selected.length ? String(start + pageSize) : undefined;
    return send(res, 200, next ? { occurrences: page, nextPageToken: next } : { occurrences: page });
  }
  return send(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: `no route for ${path}` } });
}).listen(Number(port), '127.0.0.1', () => console.log(`container analysis stand-in on 127.0.0.1:${port}`));
