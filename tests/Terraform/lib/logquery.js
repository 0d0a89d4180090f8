'use strict';
// An evaluator of the part of the Cloud Logging query language the module's filters use, and of the log-based metric
// extractors, so the filters can be run over log lines the code really wrote.
//
// Query language (https://cloud.google.com/logging/docs/view/logging-query-language):
//   comparison  FIELD = "text" | FIELD != "text" | FIELD : "text" (has: case-insensitive substring) | FIELD:* (present)
//   boolean     a AND b, a OR b (AND binds tighter), NOT a, juxtaposition a b (= AND), parentheses
//   FIELD       dotted path into the LogEntry: resource.type, resource.labels.K, severity, jsonPayload.K...
// Anything else (regular expressions, functions, numeric ranges, timestamps) is refused with an error rather than
// guessed, so a filter that grows beyond this subset fails its test until the evaluator learns it.
//
// Extractors (https://cloud.google.com/logging/docs/logs-based-metrics/labels): EXTRACT(FIELD) and
// REGEXP_EXTRACT(FIELD, "re") (the first capture group; the test regexes are plain enough for JavaScript to read RE2's way).

// Cloud Logging's special fields of a structured stdout line (https://cloud.google.com/logging/docs/structured-logging):
// they leave jsonPayload and become LogEntry fields.
const SPECIAL_FIELDS = {
  severity: 'severity',
  time: 'timestamp',
  timestamp: 'timestamp',
  httpRequest: 'httpRequest',
  'logging.googleapis.com/insertId': 'insertId',
  'logging.googleapis.com/labels': 'labels',
  'logging.googleapis.com/operation': 'operation',
  'logging.googleapis.com/sourceLocation': 'sourceLocation',
  'logging.googleapis.com/spanId': 'spanId',
  'logging.googleapis.com/trace': 'trace',
  'logging.googleapis.com/trace_sampled': 'traceSampled',
};

/** The LogEntry Cloud Run makes of one stdout JSON line of service SERVICE. */
function logEntryFromStdout(line, service) {
  const payload = typeof line === 'string' ? JSON.parse(line) : { ...line };
  const entry = {
    logName: 'projects/PROJECT/logs/run.googleapis.com%2Fstdout',
    resource: { type: 'cloud_run_revision', labels: { service_name: service, revision_name: `${service}-00001-abc`, configuration_name: service, location: 'us-central1', project_id: 'PROJECT' } },
    severity: 'DEFAULT',
    jsonPayload: {},
  };
  for (const [key, value] of Object.entries(payload)) {
    if (SPECIAL_FIELDS[key]) {
      entry[SPECIAL_FIELDS[key]] = value;
    } else {
      entry.jsonPayload[key] = value;
    }
  }
  return entry;
}

// --- tokens and parse tree ---------------------------------------------------------------------------------------------

function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\') {
          j++;
        }
        value += text[j];
      }
      if (j >= text.length) {
        throw new Error(`unterminated string in filter: ${text}`);
      }
      tokens.push({ kind: 'string', value });
      i = j + 1;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch });
      i++;
    } else if (text.startsWith('!=', i)) {
      tokens.push({ kind: 'op', value: '!=' });
      i += 2;
    } else if (ch === '=' || ch === ':') {
      if (text[i + 1] === '~') {
        throw new Error(`regular-expression comparisons (${ch}~) are outside the evaluated subset: ${text}`);
      }
      tokens.push({ kind: 'op', value: ch });
      i++;
    } else if (ch === '<' || ch === '>') {
      throw new Error(`range comparisons are outside the evaluated subset: ${text}`);
    } else {
      let j = i;
      while (j < text.length && !/[\s"()=:!<>]/.test(text[j])) {
        j++;
      }
      const word = text.slice(i, j);
      tokens.push(['AND', 'OR', 'NOT'].includes(word) ? { kind: word } : { kind: 'word', value: word });
      i = j;
    }
  }
  return tokens;
}

/** Parses a filter into a tree of {and|or|not|cmp}; throws on syntax outside the subset. */
function parseFilter(text) {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (kind) => {
    const token = tokens[pos];
    if (!token || (kind && token.kind !== kind)) {
      throw new Error(`expected ${kind || 'more'} at token ${pos} of filter: ${text}`);
    }
    pos++;
    return token;
  };
  function orExpr() {
    const parts = [andExpr()];
    while (peek() && peek().kind === 'OR') {
      take('OR');
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0] : { or: parts };
  }
  function andExpr() {
    const parts = [unary()];
    while (peek() && peek().kind !== 'OR' && peek().kind !== ')') {
      if (peek().kind === 'AND') {
        take('AND');
      }
      parts.push(unary());
    }
    return parts.length === 1 ? parts[0] : { and: parts };
  }
  function unary() {
    if (peek() && peek().kind === 'NOT') {
      take('NOT');
      return { not: unary() };
    }
    if (peek() && peek().kind === '(') {
      take('(');
      const inner = orExpr();
      take(')');
      return inner;
    }
    const field = take('word').value;
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(field)) {
      throw new Error(`"${field}" is not a field path the evaluator reads (filter: ${text})`);
    }
    const op = take('op').value;
    const token = take();
    if (token.kind === 'word' && token.value === '*' && op === ':') {
      return { present: field };
    }
    if (token.kind !== 'string') {
      throw new Error(`${field}${op}: only quoted values are evaluated (filter: ${text})`);
    }
    return { cmp: op, field, value: token.value };
  }
  const tree = orExpr();
  if (pos !== tokens.length) {
    throw new Error(`unexpected ${tokens[pos].kind} at token ${pos} of filter: ${text}`);
  }
  return tree;
}

/** The value at a dotted path of a LogEntry (undefined when absent). */
function fieldValue(entry, path) {
  let value = entry;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) {
      return undefined;
    }
    value = value[part];
  }
  return value;
}

function evaluate(tree, entry) {
  if (tree.and) return tree.and.every((part) => evaluate(part, entry));
  if (tree.or) return tree.or.some((part) => evaluate(part, entry));
  if (tree.not) return !evaluate(tree.not, entry);
  const value = fieldValue(entry, tree.present || tree.field);
  if (tree.present) return value !== undefined && value !== null;
  if (value === undefined || value === null || typeof value === 'object') return false;
  const text = String(value);
  switch (tree.cmp) {
    case '=': return typeof value === 'number' ? value === Number(tree.value) : text === tree.value;
    case '!=': return typeof value === 'number' ? value !== Number(tree.value) : text !== tree.value;
    case ':': return text.toLowerCase().includes(tree.value.toLowerCase());
    default: throw new Error(`operator ${tree.cmp}`);
  }
}

/** Whether FILTER matches ENTRY. */
function matches(filter, entry) {
  return evaluate(parseFilter(filter), entry);
}

/** The fields a filter compares or tests for presence. */
function filterFields(filter) {
  const fields = [];
  const walk = (tree) => {
    if (tree.and || tree.or) (tree.and || tree.or).forEach(walk);
    else if (tree.not) walk(tree.not);
    else fields.push(tree.present || tree.field);
  };
  walk(parseFilter(filter));
  return fields;
}

/** Parses EXTRACT(field) or REGEXP_EXTRACT(field, "re") into {field, regex}. */
function parseExtractor(text) {
  let match = /^EXTRACT\(\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\)$/.exec(text);
  if (match) {
    return { field: match[1], regex: null };
  }
  match = /^REGEXP_EXTRACT\(\s*([A-Za-z_][A-Za-z0-9_.]*)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)$/.exec(text);
  if (match) {
    const regex = new RegExp(match[2].replace(/\\"/g, '"'));
    if (!/\((?!\?)/.test(match[2])) {
      throw new Error(`${text}: REGEXP_EXTRACT needs exactly one capture group`);
    }
    return { field: match[1], regex };
  }
  throw new Error(`"${text}" is not EXTRACT(field) or REGEXP_EXTRACT(field, "regex")`);
}

/** What an extractor yields for an entry: {present, value} (value a string, or null when the regex does not match). */
function extract(text, entry) {
  const { field, regex } = parseExtractor(text);
  const value = fieldValue(entry, field);
  if (value === undefined || value === null) {
    return { present: false, value: null };
  }
  const string = String(value);
  if (!regex) {
    return { present: true, value: string };
  }
  const found = regex.exec(string);
  return { present: true, value: found ? found[1] : null };
}

module.exports = { logEntryFromStdout, parseFilter, matches, filterFields, parseExtractor, extract, fieldValue };
