'use strict';
// Structural checks of the module's monitoring (monitoring.tf, dashboard.json):
//   - each google_logging_metric, google_monitoring_alert_policy and google_monitoring_notification_channel, turned into the
//     API's JSON (snake_case -> camelCase, one-element block lists unwrapped where the API has an object), and the rendered
//     dashboard.json, against the discovery schemas (lib/discovery.js), plus the rules the discovery documents state in prose;
//   - every metric a dashboard or an alert names exists: logging.googleapis.com/user/NAME defined by the module, or a built-in
//     metric of BUILTIN_METRICS; every metric or resource label they filter or group by exists on it;
//   - the log-based filters and extractors, run over log lines the code wrote (log-samples/pipeline.jsonl), match the lines
//     they are meant for, and every field they extract is on every line they match.

const fs = require('node:fs');
const path = require('node:path');
const { MODULE_DIR, locals } = require('./hcl');
const { loadDiscovery, validate } = require('./discovery');
const { logEntryFromStdout, matches, filterFields, parseExtractor, extract, fieldValue } = require('./logquery');

const DASHBOARD_FILE = path.join(MODULE_DIR, 'dashboard.json');
const SAMPLES_FILE = path.join(__dirname, '..', 'log-samples', 'pipeline.jsonl');

// Built-in metrics the module names, with their monitored resource and metric labels, as Google documents them:
//   https://cloud.google.com/monitoring/api/metrics_gcp_p_z#gcp-pubsub (subscription/*)
//   https://cloud.google.com/monitoring/api/metrics_gcp_p_z#gcp-run (request_count)
const BUILTIN_METRICS = {
  'pubsub.googleapis.com/subscription/num_undelivered_messages': { kind: 'GAUGE', valueType: 'INT64', resource: 'pubsub_subscription', labels: [] },
  'pubsub.googleapis.com/subscription/oldest_unacked_message_age': { kind: 'GAUGE', valueType: 'INT64', resource: 'pubsub_subscription', labels: [] },
  'run.googleapis.com/request_count': { kind: 'DELTA', valueType: 'INT64', resource: 'cloud_run_revision', labels: ['response_code', 'response_code_class', 'route'] },
};

// Monitored resource labels (https://cloud.google.com/monitoring/api/resources: cloud_run_revision, pubsub_subscription).
const RESOURCE_LABELS = {
  cloud_run_revision: ['project_id', 'service_name', 'revision_name', 'location', 'configuration_name'],
  pubsub_subscription: ['project_id', 'subscription_id'],
};
// Log-based metrics are written against the log entries' resource, here every function's Cloud Run revision.
const LOG_METRIC_RESOURCE = 'cloud_run_revision';

const TERRAFORM_ONLY = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'project', 'deletion_policy', 'force_delete', 'sensitive_labels']);

// --- resolving Terraform values ----------------------------------------------------------------------------------------

/**
 * Resolves `${var.NAME}` (to the variable's default) and `${local.PATH}` in a value, recursively; `$${` is HCL's escape of a
 * literal `${`. Other expressions are left as written (the value then still contains "${").
 */
function resolver(config) {
  const variables = config.variable || {};
  const localValues = locals(config);
  const lookup = (expression, seen) => {
    const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(expression);
    if (variable) {
      const block = (variables[variable[1]] || [])[0];
      return block && 'default' in block ? { found: true, value: block.default } : { found: false };
    }
    const local = /^local\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)$/.exec(expression);
    if (local && !seen.has(expression)) {
      let value = localValues;
      for (const part of local[1].split('.')) {
        if (value === null || typeof value !== 'object' || !(part in value)) {
          return { found: false };
        }
        value = value[part];
      }
      return { found: true, value: resolve(value, new Set([...seen, expression])) };
    }
    return { found: false };
  };
  const resolveString = (text, seen) => {
    const whole = /^\$\{([^${}]+)\}$/.exec(text);
    if (whole) {
      const result = lookup(whole[1].trim(), seen);
      return result.found ? result.value : text;
    }
    let out = '';
    for (let i = 0; i < text.length;) {
      if (text.startsWith('$${', i)) {
        out += '${';
        i += 3;
      } else if (text.startsWith('${', i)) {
        let depth = 0;
        let j = i + 1;
        for (; j < text.length; j++) {
          if (text[j] === '{') depth++;
          if (text[j] === '}' && --depth === 0) break;
        }
        const expression = text.slice(i + 2, j).trim();
        const result = lookup(expression, seen);
        out += result.found && (typeof result.value !== 'object' || result.value === null) ? String(result.value) : text.slice(i, j + 1);
        i = j + 1;
      } else {
        out += text[i++];
      }
    }
    return out;
  };
  const resolve = (value, seen = new Set()) => {
    if (typeof value === 'string') return resolveString(value, seen);
    if (Array.isArray(value)) return value.map((item) => resolve(item, seen));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, seen)]));
    return value;
  };
  return resolve;
}

// --- HCL blocks as API JSON --------------------------------------------------------------------------------------------

const camel = (name) => name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** A resource block as the API's JSON for schema SCHEMA_NAME: names camelCased, one-element block lists unwrapped. */
function toApi(discovery, schemaName, block) {
  const schema = discovery.schemas[schemaName];
  const out = {};
  for (const [key, value] of Object.entries(block)) {
    if (TERRAFORM_ONLY.has(key) || key === 'dynamic' || key === 'timeouts') continue;
    const name = camel(key);
    out[name] = convert(discovery, (schema.properties || {})[name], value);
  }
  return out;
}

function convert(discovery, property, value) {
  if (!property) return value;
  if (property.type === 'array' && Array.isArray(value) && property.items && property.items.$ref) {
    return value.map((item) => (item && typeof item === 'object' && !Array.isArray(item) ? toApi(discovery, property.items.$ref, item) : item));
  }
  const target = property.$ref && discovery.schemas[property.$ref];
  if (target && target.type === 'object' && !target.additionalProperties) {
    const block = Array.isArray(value) && value.length === 1 ? value[0] : value;
    return block && typeof block === 'object' && !Array.isArray(block) ? toApi(discovery, property.$ref, block) : block;
  }
  return value;
}

// --- what the module defines ------------------------------------------------------------------------------------------

function blocksOf(config, type) {
  return Object.entries((config.resource || {})[type] || {}).map(([name, blocks]) => ({ name, block: blocks[0] }));
}

/** The module's log-based metrics, resolved: [{resource, name, filter, labels, extractors, valueExtractor, api}]. */
function logMetrics(config, resolve = resolver(config)) {
  const logging = loadDiscovery('logging.v2');
  return blocksOf(config, 'google_logging_metric').map(({ name, block }) => {
    const resolved = resolve(block);
    const api = toApi(logging, 'LogMetric', resolved);
    const descriptor = api.metricDescriptor || {};
    return {
      resource: name,
      name: api.name,
      type: `logging.googleapis.com/user/${api.name}`,
      filter: api.filter,
      labels: (descriptor.labels || []).map((label) => label.key),
      extractors: api.labelExtractors || {},
      valueExtractor: api.valueExtractor,
      api,
    };
  });
}

/** The rendered dashboard (dashboard.json through templatefile with local.dashboard_variables), with template problems. */
function renderDashboard(config, text, resolve = resolver(config)) {
  const problems = [];
  const variables = resolve(locals(config).dashboard_variables || {});
  const used = new Set();
  const rendered = text.replace(/(\$?)\$\{([^}]*)\}/g, (all, escape, name) => {
    if (escape) return all.slice(1); // $${x} renders ${x}
    used.add(name);
    if (!(name in variables)) {
      problems.push(`dashboard.json: template variable ${name} is not in local.dashboard_variables`);
      return all;
    }
    const value = variables[name];
    if (typeof value !== 'string' || value.includes('${')) {
      problems.push(`dashboard.json: template variable ${name} does not resolve to a string (${JSON.stringify(value)})`);
    }
    return String(value).replace(/["\\]/g, (c) => `\\${c}`);
  });
  for (const name of Object.keys(variables)) {
    if (!used.has(name)) problems.push(`local.dashboard_variables.${name} is not used by dashboard.json`);
  }
  let dashboard = null;
  try {
    dashboard = JSON.parse(rendered);
  } catch (error) {
    problems.push(`dashboard.json does not render to JSON: ${error.message}`);
  }
  return { dashboard, problems };
}

// --- checks -------------------------------------------------------------------------------------------------------------

/** Schema problems of the log metrics, alert policies, notification channels and dashboard. */
function apiShapeProblems(config, dashboardText) {
  const resolve = resolver(config);
  const problems = [];
  const logging = loadDiscovery('logging.v2');
  const v3 = loadDiscovery('monitoring.v3');
  const v1 = loadDiscovery('monitoring.v1');

  for (const metric of logMetrics(config, resolve)) {
    const where = `google_logging_metric.${metric.resource}`;
    problems.push(...validate(logging, 'LogMetric', metric.api, where));
    const descriptor = metric.api.metricDescriptor || {};
    // LogMetric.valueExtractor and bucketOptions: "used only when ... value_type is DISTRIBUTION" and then required.
    if (descriptor.valueType === 'DISTRIBUTION' && !(metric.valueExtractor && metric.api.bucketOptions)) {
      problems.push(`${where}: a DISTRIBUTION metric needs value_extractor and bucket_options`);
    }
    if (descriptor.valueType !== 'DISTRIBUTION' && (metric.valueExtractor || metric.api.bucketOptions)) {
      problems.push(`${where}: value_extractor and bucket_options are for DISTRIBUTION metrics only`);
    }
    // labelExtractors: "A map from a label key string to an extractor expression ... The keys ... must match the keys of LabelDescriptor".
    const keys = Object.keys(metric.extractors).sort();
    if (JSON.stringify(keys) !== JSON.stringify([...metric.labels].sort())) {
      problems.push(`${where}: label_extractors (${keys.join(', ')}) and metric_descriptor labels (${[...metric.labels].sort().join(', ')}) differ`);
    }
    for (const [key, extractor] of [...Object.entries(metric.extractors), ...(metric.valueExtractor ? [['value', metric.valueExtractor]] : [])]) {
      try {
        parseExtractor(extractor);
      } catch (error) {
        problems.push(`${where}: ${key}: ${error.message}`);
      }
    }
  }

  for (const { name, block } of blocksOf(config, 'google_monitoring_alert_policy')) {
    const where = `google_monitoring_alert_policy.${name}`;
    const api = toApi(v3, 'AlertPolicy', resolve(block));
    problems.push(...validate(v3, 'AlertPolicy', api, where));
    const conditions = Array.isArray(api.conditions) ? api.conditions : [];
    // AlertStrategy.notificationRateLimit: "Required for alert policies with a LogMatch condition."
    if (conditions.some((c) => c.conditionMatchedLog) && !(api.alertStrategy && api.alertStrategy.notificationRateLimit)) {
      problems.push(`${where}: a policy with a log-match condition needs alert_strategy.notification_rate_limit`);
    }
    conditions.forEach((condition, index) => {
      const kinds = Object.keys(condition).filter((key) => key.startsWith('condition'));
      if (kinds.length !== 1) {
        problems.push(`${where}.conditions[${index}]: exactly one condition type, found ${kinds.join(', ') || 'none'}`);
      }
    });
  }

  for (const { name, block } of blocksOf(config, 'google_monitoring_notification_channel')) {
    problems.push(...validate(v3, 'NotificationChannel', toApi(v3, 'NotificationChannel', resolve(block)), `google_monitoring_notification_channel.${name}`));
  }

  const { dashboard, problems: templateProblems } = renderDashboard(config, dashboardText, resolve);
  problems.push(...templateProblems);
  if (dashboard) {
    problems.push(...validate(v1, 'Dashboard', dashboard, 'dashboard.json'));
  }
  return problems;
}

/** The Monitoring filters of the dashboard's charts and the alert policies' metric conditions, with where each is. */
function monitoringFilters(config, dashboardText) {
  const resolve = resolver(config);
  const filters = [];
  const { dashboard } = renderDashboard(config, dashboardText, resolve);
  const walk = (value, where) => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}[${i}]`));
    else if (value && typeof value === 'object') {
      if (typeof value.filter === 'string' && value.aggregation !== undefined) {
        filters.push({ where, filter: value.filter, groupBy: (value.aggregation || {}).groupByFields || [] });
      } else if (typeof value.filter === 'string' && where.includes('timeSeriesFilter')) {
        filters.push({ where, filter: value.filter, groupBy: [] });
      }
      for (const [key, item] of Object.entries(value)) walk(item, `${where}.${key}`);
    }
  };
  walk(dashboard, 'dashboard.json');
  for (const { name, block } of blocksOf(config, 'google_monitoring_alert_policy')) {
    for (const [index, condition] of (block.conditions || []).entries()) {
      for (const kind of ['condition_threshold', 'condition_absent']) {
        for (const inner of condition[kind] || []) {
          const resolved = resolve(inner);
          filters.push({
            where: `google_monitoring_alert_policy.${name}.conditions[${index}].${kind}`,
            filter: resolved.filter,
            groupBy: (resolved.aggregations || []).flatMap((a) => a.group_by_fields || []),
          });
        }
      }
    }
  }
  return filters;
}

/** Metrics and labels the Monitoring filters name that do not exist. */
function metricReferenceProblems(config, dashboardText) {
  const problems = [];
  const defined = Object.fromEntries(logMetrics(config).map((m) => [m.type, { resource: LOG_METRIC_RESOURCE, labels: m.labels }]));
  for (const { where, filter, groupBy } of monitoringFilters(config, dashboardText)) {
    if (typeof filter !== 'string' || filter.includes('${')) {
      problems.push(`${where}: filter does not resolve: ${filter}`);
      continue;
    }
    const types = [...filter.matchAll(/metric\.type\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
    if (types.length !== 1) {
      problems.push(`${where}: names ${types.length} metric types; a chart or condition reads one`);
      continue;
    }
    const type = types[0];
    const metric = defined[type] || BUILTIN_METRICS[type];
    if (!metric) {
      problems.push(`${where}: metric ${type} is neither a log-based metric of the module nor a documented built-in metric`);
      continue;
    }
    const resources = [...filter.matchAll(/resource\.type\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
    if (resources.some((resource) => resource !== metric.resource)) {
      problems.push(`${where}: ${type} is written for resource ${metric.resource}, not ${resources.join(', ')}`);
    }
    const used = [
      ...[...filter.matchAll(/\b(metric|resource)\.labels?\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => [m[1], m[2]]),
      ...groupBy.map((field) => /^(metric|resource)\.labels?\.(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))$/.exec(field)).map((m, i) => (m ? [m[1], m[2] || m[3]] : ['?', groupBy[i]])),
    ];
    for (const [scope, label] of used) {
      const known = scope === 'metric' ? metric.labels : scope === 'resource' ? RESOURCE_LABELS[metric.resource] || [] : [];
      if (!known.includes(label)) {
        problems.push(`${where}: ${scope === '?' ? `group-by field ${label} is not metric.label.K or resource.label.K` : `${type} has no ${scope} label ${label}`}`);
      }
    }
  }
  return problems;
}

/** The log lines of log-samples/pipeline.jsonl as LogEntries. */
function sampleEntries(text = fs.readFileSync(SAMPLES_FILE, 'utf8')) {
  return text.split('\n').filter((line) => line.trim()).map((line) => {
    const { service, stdout } = JSON.parse(line);
    return logEntryFromStdout(stdout, service);
  });
}

/** The log-based filters of the module (metrics and log-match alert conditions), resolved, with their extractors. */
function logFilters(config) {
  const resolve = resolver(config);
  const filters = logMetrics(config, resolve).map((m) => ({ where: `google_logging_metric.${m.resource}`, filter: m.filter, extractors: m.extractors, valueExtractor: m.valueExtractor }));
  for (const { name, block } of blocksOf(config, 'google_monitoring_alert_policy')) {
    for (const [index, condition] of (block.conditions || []).entries()) {
      for (const inner of condition.condition_matched_log || []) {
        const resolved = resolve(inner);
        filters.push({ where: `google_monitoring_alert_policy.${name}.conditions[${index}].condition_matched_log`, filter: resolved.filter, extractors: resolved.label_extractors || {} });
      }
    }
  }
  return filters;
}

/**
 * Runs each log-based filter over the sample entries: problems when it does not parse, names a field no sample line
 * carries, matches nothing, or when an extractor's field is missing on a line it matches (or the value is not numeric).
 * Returns {problems, results: {where -> [{labels, value}]}}.
 */
function logFilterResults(config, entries) {
  const problems = [];
  const results = {};
  const carried = new Set();
  const collect = (value, prefix) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) collect(item, prefix ? `${prefix}.${key}` : key);
    } else {
      carried.add(prefix);
    }
  };
  entries.forEach((entry) => collect(entry, ''));
  for (const { where, filter, extractors, valueExtractor } of logFilters(config)) {
    if (typeof filter !== 'string' || filter.includes('${')) {
      problems.push(`${where}: filter does not resolve: ${filter}`);
      continue;
    }
    let matched;
    try {
      for (const field of filterFields(filter)) {
        if (!carried.has(field)) {
          problems.push(`${where}: the filter names ${field}, which no log line the code writes carries`);
        }
      }
      matched = entries.filter((entry) => matches(filter, entry));
    } catch (error) {
      problems.push(`${where}: ${error.message}`);
      continue;
    }
    if (matched.length === 0) {
      problems.push(`${where}: the filter matches none of the log lines the code writes`);
    }
    results[where] = matched.map((entry) => {
      const labels = {};
      for (const [key, extractor] of Object.entries(extractors)) {
        const { present, value } = extract(extractor, entry);
        if (!present) {
          problems.push(`${where}: label ${key} (${extractor}): the field is missing on a matching line: ${entry.jsonPayload.message}`);
        }
        labels[key] = value;
      }
      let value;
      if (valueExtractor) {
        const extracted = extract(valueExtractor, entry);
        value = extracted.value === null ? NaN : Number(extracted.value);
        if (!extracted.present || !Number.isFinite(value) || typeof fieldValue(entry, parseExtractor(valueExtractor).field) !== 'number') {
          problems.push(`${where}: value ${valueExtractor} is not a number on a matching line: ${entry.jsonPayload.message}`);
        }
      }
      return { labels, value, message: entry.jsonPayload.message };
    });
  }
  return { problems, results };
}

module.exports = {
  DASHBOARD_FILE,
  SAMPLES_FILE,
  BUILTIN_METRICS,
  resolver,
  toApi,
  logMetrics,
  renderDashboard,
  apiShapeProblems,
  monitoringFilters,
  metricReferenceProblems,
  sampleEntries,
  logFilters,
  logFilterResults,
};
