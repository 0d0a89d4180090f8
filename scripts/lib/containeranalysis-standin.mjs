// A loopback stand-in for the Container Analysis v1 REST API, for the local demo only.
// Serves occurrences from a JSON file ({"occurrences":[{name, kind, resourceUri, vulnerability…}]}), re-read on every request
// so the demo can add occurrences while it runs, and stores the attestation occurrences ImageTrust creates (POST
// v1/projects/P/occurrences), lists a note's occurrences (GET v1/projects/P/notes/N/occurrences) and deletes them (DELETE).
// Shapes follow containeranalysis.v1.json (Occurrence, ListOccurrencesResponse, ListNoteOccurrencesResponse, Empty).
// Usage: node containeranalysis-standin.mjs PORT FILE
import { createServer } from 'node:http';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

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

// Written aside and renamed, so a reader (the demo's jq) never sees half a file.
const save = (occurrences) => {
  writeFileSync(`${file}.tmp`, JSON.stringify({ occurrences }, null, 2));
  renameSync(`${file}.tmp`, file);
};
const page = (url, selected, res) => {
  const pageSize = Math.max(1, Math.min(1000, Number(url.searchParams.get('pageSize') ?? 100)));
  const start = Number(url.searchParams.get('pageToken') || 0);
  const items = selected.slice(start, start + pageSize);
  const next = start + pageSize < selected.length ? String(start + pageSize) : undefined;
  return send(res, 200, next ? { occurrences: items, nextPageToken: next } : { occurrences: items });
};

createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = decodeURIComponent(url.pathname);
  const occurrences = load();
  let match;
  if (req.method === 'POST' && (match = path.match(/^\/v1\/projects\/([^/]+)\/occurrences$/))) {
    const project = match[1];
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const occurrence = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (!occurrence.noteName || !occurrence.resourceUri || !occurrence.attestation || occurrence.name) {
        return send(res, 400, { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'noteName, resourceUri and attestation are required, name is not allowed' } });
      }
      const now = new Date().toISOString();
      const created = { ...occurrence, name: `projects/${project}/occurrences/${randomUUID()}`, kind: 'ATTESTATION', createTime: now, updateTime: now };
      save([...load(), created]);
      return send(res, 200, created);
    });
    return undefined;
  }
  if (req.method === 'DELETE' && (match = path.match(/^\/v1\/(projects\/[^/]+\/occurrences\/[^/:]+)$/))) {
    const kept = occurrences.filter((o) => o.name !== match[1]);
    if (kept.length === occurrences.length) return send(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: `${match[1]} not found` } });
    save(kept);
    return send(res, 200, {});
  }
  if ((match = path.match(/^\/v1\/(projects\/[^/]+\/notes\/[^/]+)\/occurrences$/))) {
    const resource = ((url.searchParams.get('filter') ?? '').match(/resourceUrl="([^"]+)"/) ?? [])[1];
    return page(url, occurrences.filter((o) => o.noteName === match[1] && (!resource || o.resourceUri === resource)), res);
  }
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
