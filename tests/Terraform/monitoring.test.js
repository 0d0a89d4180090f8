'use strict';
// The module's monitoring (monitoring.tf, dashboard.json) against the APIs' documented shapes (api-schema/*.json, copied from
// Google's discovery documents), the metrics it names, and the log lines the code really writes (log-samples/pipeline.jsonl,
// produced by tests/Functions.Tests MonitoredLogLinesTests from the functions on the real host), with broken copies proving
// each check can fail.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { MODULE_DIR, readTexts, loadModule, loadModuleFromTexts } = require('./lib/hcl');
const { loadSchemas, moduleSchemaProblems } = require('./lib/schema');
const { loadDiscovery, validate } = require('./lib/discovery');
const { matches, parseFilter, extract, logEntryFromStdout } = require('./lib/logquery');
const {
  DASHBOARD_FILE, BUILTIN_METRICS, apiShapeProblems, metricReferenceProblems, sampleEntries, logFilterResults, logFilters, monitoringFilters, renderDashboard,
} = require('./lib/monitoring');

const moduleTexts = readTexts(MODULE_DIR);
const dashboardText = fs.readFileSync(DASHBOARD_FILE, 'utf8');
const entries = sampleEntries();

function mutate(texts, file, find, replace) {
  assert.ok(texts[file].includes(find), `mutation target not found in ${file}: ${find}`);
  return { ...texts, [file]: texts[file].replace(find, replace) };
}

function mutateDashboard(find, replace) {
  assert.ok(dashboardText.includes(find), `mutation target not found in dashboard.json: ${find}`);
  return dashboardText.replace(find, replace);
}

const expectProblem = (problems, pattern) => assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got ${JSON.stringify(problems)}`);

test('each API schema extract names its discovery document, commit and revision', () => {
  for (const [name, roots] of [['monitoring.v1', ['Dashboard']], ['monitoring.v3', ['AlertPolicy', 'NotificationChannel']], ['logging.v2', ['LogMetric']]]) {
    const discovery = loadDiscovery(name);
    assert.equal(discovery.repository, 'https://github.com/googleapis/discovery-artifact-manager');
    assert.equal(discovery.path, `discoveries/${name}.json`);
    assert.match(discovery.commit, /^[0-9a-f]{40}$/);
    assert.equal(discovery.id, name.replace('.', ':'));
    assert.match(discovery.revision, /^\d{8}$/);
    assert.deepEqual(discovery.roots, roots);
    for (const root of roots) {
      assert.ok(discovery.schemas[root], `${name} has ${root}`);
    }
  }
});

test('the monitoring resources exist, each behind its switch', async () => {
  const { config } = await loadModule(MODULE_DIR);
  const names = (type) => Object.keys(config.resource[type] || {}).sort();
  assert.deepEqual(names('google_logging_metric'), ['attestation_actions', 'status_transitions', 'verification_latency', 'verification_outcomes']);
  assert.deepEqual(names('google_monitoring_alert_policy'), ['dead_letter', 'quarantine', 'server_errors', 'sweep_lag']);
  assert.deepEqual(names('google_monitoring_notification_channel'), ['email', 'pubsub']);
  assert.deepEqual(names('google_monitoring_dashboard'), ['imagetrust']);
  for (const type of ['google_logging_metric', 'google_monitoring_alert_policy', 'google_monitoring_notification_channel', 'google_monitoring_dashboard']) {
    for (const [name, [block]] of Object.entries(config.resource[type])) {
      const gate = String(block.count ?? block.for_each);
      assert.match(gate, /local\.monitoring_(metrics|alerts|board)/, `${type}.${name} is optional (count or for_each on a monitoring switch)`);
    }
  }
  for (const [name, value] of Object.entries({ monitoring_enabled: true, monitoring_alerts_enabled: true, monitoring_dashboard_enabled: true, notification_emails: [], notification_pubsub_topic: null })) {
    assert.deepEqual(config.variable[name][0].default, value, `variable ${name} defaults to ${JSON.stringify(value)}`);
  }
});

test('log metrics, alert policies, notification channels and the dashboard match the APIs\' documented shapes', async () => {
  const { config } = await loadModule(MODULE_DIR);
  assert.deepEqual(apiShapeProblems(config, dashboardText), []);
  const { dashboard } = renderDashboard(config, dashboardText);
  assert.equal(dashboard.mosaicLayout.tiles.length, 7);
  assert.deepEqual(dashboard.mosaicLayout.tiles.map((t) => t.widget.title), [
    'Status transitions over time, by status entered', 'Quarantines by repository', 'Verification latency (p50, p95, p99)', 'Verification outcomes by reason',
    'Dead-letter depth', 'Re-verification lag (oldest work message)', 'Responses by class',
  ]);
});

test('every metric the dashboard and the alerts name exists, with the labels they use', async () => {
  const { config } = await loadModule(MODULE_DIR);
  assert.deepEqual(metricReferenceProblems(config, dashboardText), []);
  const filters = monitoringFilters(config, dashboardText);
  assert.equal(filters.length, 12, 'nine chart queries and three metric conditions, not vacuous');
  const named = new Set(filters.map((f) => /metric\.type="([^"]+)"/.exec(f.filter)[1]));
  for (const builtin of Object.keys(BUILTIN_METRICS)) {
    assert.ok(named.has(builtin), `${builtin} is used (the documented list holds only what the module uses)`);
  }
  assert.ok(named.has('logging.googleapis.com/user/imagetrust_status_transitions'));
});

test('the provider schema check covers the monitoring resources (a wrong enum of the provider is caught)', async () => {
  const broken = await loadModuleFromTexts(mutate(moduleTexts, 'monitoring.tf', 'comparison      = "COMPARISON_GT"\n      threshold_value = var.alert_dead_letter_backlog', 'comparison      = "GT"\n      threshold_value = var.alert_dead_letter_backlog'));
  expectProblem(await moduleSchemaProblems(loadSchemas(), broken), /google_monitoring_alert_policy\.dead_letter\.conditions\.condition_threshold\.comparison: "GT" is not one of COMPARISON_GT/);
});

// --- the filters over the log lines the code writes ---------------------------------------------------------------------

test('the log samples were written by the functions on Cloud Run\'s format and hold every monitored kind of line', () => {
  assert.ok(entries.length >= 8, `expected the scenario's lines, found ${entries.length}`);
  for (const entry of entries) {
    assert.equal(entry.resource.type, 'cloud_run_revision');
    assert.match(entry.resource.labels.service_name, /^imagetrust-(push-verifier|occurrence-handler)$/);
    assert.match(entry.severity, /^(INFO|WARNING|ERROR)$/);
    assert.equal(typeof entry.jsonPayload.message, 'string');
    assert.equal(entry.jsonPayload.severity, undefined, 'severity leaves jsonPayload');
  }
});

test('each log-based filter matches exactly the lines it is meant for, and its extractors find their fields there', async () => {
  const { config } = await loadModule(MODULE_DIR);
  const { problems, results } = logFilterResults(config, entries);
  assert.deepEqual(problems, []);
  const labels = (where) => results[where].map((r) => r.labels);
  assert.deepEqual(labels('google_logging_metric.status_transitions').map((l) => `${l.from}>${l.to} ${l.rule} ${l.repository} ${l.source_project}`), [
    'NEW>VERIFIED skopeo-enforce registry.example:5000/skopeo/app-0a1b2c3d none',
    'NEW>VERIFIED skopeo-enforce registry.example:5000/skopeo/app-0a1b2c3d none',
    'NEW>PENDING_SIGNATURE skopeo-enforce registry.example:5000/skopeo/app-0a1b2c3d none',
    'VERIFIED>QUARANTINED skopeo-enforce registry.example:5000/skopeo/app-0a1b2c3d none',
  ]);
  assert.deepEqual(labels('google_logging_metric.verification_outcomes').map((l) => `${l.status}/${l.reason}/${l.rule}/${l.outcome}`), [
    'VERIFIED//skopeo-enforce/Applied',
    'PENDING_SIGNATURE/AWAITING_SIGNATURE/skopeo-enforce/Applied',
  ]);
  assert.deepEqual(results['google_logging_metric.verification_latency'].map((r) => r.value), [12, 12]);
  assert.deepEqual(labels('google_logging_metric.attestation_actions').map((l) => `${l.severity} ${l.action}`), ['WARNING ATTEST', 'INFO ATTEST', 'INFO ATTEST', 'INFO WITHDRAW']);
  const quarantine = results['google_monitoring_alert_policy.quarantine.conditions[0].condition_matched_log'];
  assert.equal(quarantine.length, 1);
  assert.equal(quarantine[0].labels.image, 'registry.example:5000/skopeo/app-0a1b2c3d@sha256:' + quarantine[0].labels.image.split('@sha256:')[1]);
  assert.match(quarantine[0].labels.reasons, /VULNERABILITY/);
  // The functions' own per-message lines match no filter.
  const functionLines = entries.filter((e) => /Function$/.test(e.jsonPayload.logger));
  assert.ok(functionLines.length >= 3);
  for (const { where, filter } of logFilters(config)) {
    assert.deepEqual(functionLines.filter((e) => matches(filter, e)).map((e) => e.jsonPayload.message), [], `${where} matches no function line`);
  }
});

// --- broken copies ------------------------------------------------------------------------------------------------------

const shapeMutations = [
  ['a dashboard with an unknown field', null, ['"plotType": "STACKED_BAR",\n                "legendTemplate": "$${metric.labels.to}",', '"plotType": "STACKED_BAR",\n                "legend": "$${metric.labels.to}",'], /dashboard\.json\.mosaicLayout\.tiles\[0\]\.widget\.xyChart\.dataSets\[0\]: unknown field legend/],
  ['a dashboard with a bad aligner', null, ['"perSeriesAligner": "ALIGN_DELTA",\n                      "crossSeriesReducer": "REDUCE_PERCENTILE_50"', '"perSeriesAligner": "ALIGN_AVERAGE",\n                      "crossSeriesReducer": "REDUCE_PERCENTILE_50"'], /aggregation\.perSeriesAligner: "ALIGN_AVERAGE" is not one of/],
  ['a dashboard with a bad reducer', null, ['"crossSeriesReducer": "REDUCE_PERCENTILE_99"', '"crossSeriesReducer": "REDUCE_P99"'], /crossSeriesReducer: "REDUCE_P99" is not one of/],
  ['a dashboard chart without its required data sets', null, ['"xyChart": {\n            "dataSets": [', '"xyChart": {\n            "dataSetz": ['], /xyChart: the required field dataSets is missing/],
  ['a dashboard with a duration that is not one', null, ['"alignmentPeriod": "3600s"', '"alignmentPeriod": "1h"'], /alignmentPeriod: "1h" is not a duration/],
  ['a dashboard with a string where the API wants an integer', null, ['"columns": 48', '"columns": "wide"'], /mosaicLayout\.columns: expected an integer/],
  ['a dashboard variable nobody passes', null, ['"displayName": "${display_name}"', '"displayName": "${title}"'], /template variable title is not in local\.dashboard_variables/],
  ['an alert policy with a bad combiner (API enum)', ['monitoring.tf', 'display_name          = "ImageTrust: 5xx responses"\n  combiner              = "OR"', 'display_name          = "ImageTrust: 5xx responses"\n  combiner              = "EITHER"'], null, /google_monitoring_alert_policy\.server_errors\.combiner: "EITHER" is not one of/],
  ['an alert aggregation with a bad aligner', ['monitoring.tf', 'per_series_aligner   = "ALIGN_RATE"', 'per_series_aligner   = "ALIGN_SPEED"'], null, /google_monitoring_alert_policy\.server_errors\.conditions\[0\]\.conditionThreshold\.aggregations\[0\]\.perSeriesAligner: "ALIGN_SPEED" is not one of/],
  ['a log-match alert without a notification rate limit', ['monitoring.tf', '    notification_rate_limit {\n      period = var.alert_quarantine_notification_period\n    }\n', ''], null, /quarantine: a policy with a log-match condition needs alert_strategy\.notification_rate_limit/],
  ['a log metric with a bad metric kind', ['monitoring.tf', 'metric_kind  = "DELTA"\n    value_type   = "DISTRIBUTION"', 'metric_kind  = "HISTOGRAM"\n    value_type   = "DISTRIBUTION"'], null, /google_logging_metric\.verification_latency\.metricDescriptor\.metricKind: "HISTOGRAM" is not one of/],
  ['a distribution metric without buckets', ['monitoring.tf', '  bucket_options {\n    exponential_buckets {\n      num_finite_buckets = 17\n      growth_factor      = 2\n      scale              = 1\n    }\n  }\n', ''], null, /verification_latency: a DISTRIBUTION metric needs value_extractor and bucket_options/],
  ['a label extractor without a descriptor label', ['monitoring.tf', '    outcome = "EXTRACT(jsonPayload.outcome)"\n', '    outcome = "EXTRACT(jsonPayload.outcome)"\n    image   = "EXTRACT(jsonPayload.image)"\n'], null, /verification_outcomes: label_extractors \(.*image.*\) and metric_descriptor labels/],
  ['an extractor that is not one', ['monitoring.tf', 'value_extractor = "EXTRACT(jsonPayload.verificationMs)"', 'value_extractor = "jsonPayload.verificationMs"'], null, /verification_latency: value: "jsonPayload\.verificationMs" is not EXTRACT/],
];

for (const [description, moduleMutation, dashboardMutation, expected] of shapeMutations) {
  test(`API shape check rejects: ${description}`, async () => {
    const texts = moduleMutation ? mutate(moduleTexts, ...moduleMutation) : moduleTexts;
    const dashboard = dashboardMutation ? mutateDashboard(...dashboardMutation) : dashboardText;
    expectProblem(apiShapeProblems((await loadModuleFromTexts(texts)).config, dashboard), expected);
  });
}

const referenceMutations = [
  ['an alert on an undefined user metric', ['monitoring.tf', 'metric.type=\\"pubsub.googleapis.com/subscription/num_undelivered_messages\\"', 'metric.type=\\"logging.googleapis.com/user/imagetrust_dead_letters\\"'], null, /dead_letter\.conditions\[0\]\.condition_threshold: metric logging\.googleapis\.com\/user\/imagetrust_dead_letters is neither/],
  ['a chart on a metric name the module does not define', null, ['"filter": "metric.type=\\"logging.googleapis.com/user/${verification_latency_metric}\\"', '"filter": "metric.type=\\"logging.googleapis.com/user/${verification_latency_metric}_ms\\"'], /metric logging\.googleapis\.com\/user\/imagetrust_verification_latency_ms is neither/],
  ['a chart grouping by a label the metric does not have', null, ['"groupByFields": ["metric.label.repository"]', '"groupByFields": ["metric.label.repo"]'], /imagetrust_status_transitions has no metric label repo/],
  ['a chart filtering on a resource label the resource does not have', null, ['resource.labels.subscription_id=\\"${dead_letter_subscription}\\"', 'resource.labels.subscription=\\"${dead_letter_subscription}\\"'], /num_undelivered_messages has no resource label subscription/],
  ['a built-in metric on the wrong resource', ['monitoring.tf', 'oldest_unacked_message_age\\" AND resource.type=\\"pubsub_subscription\\"', 'oldest_unacked_message_age\\" AND resource.type=\\"pubsub_topic\\"'], null, /oldest_unacked_message_age is written for resource pubsub_subscription, not pubsub_topic/],
];

for (const [description, moduleMutation, dashboardMutation, expected] of referenceMutations) {
  test(`metric reference check rejects: ${description}`, async () => {
    const texts = moduleMutation ? mutate(moduleTexts, ...moduleMutation) : moduleTexts;
    const dashboard = dashboardMutation ? mutateDashboard(...dashboardMutation) : dashboardText;
    expectProblem(metricReferenceProblems((await loadModuleFromTexts(texts)).config, dashboard), expected);
  });
}

const logMutations = [
  ['a filter naming a field the code does not write', ['monitoring.tf', 'jsonPayload.logger=\\"${local.loggers.record_store}\\" AND jsonPayload.to:*"', 'jsonPayload.logger=\\"${local.loggers.record_store}\\" AND jsonPayload.toStatus:*"'], /status_transitions: the filter names jsonPayload\.toStatus, which no log line the code writes carries/],
  ['a filter on a logger name the code does not use', ['monitoring.tf', 'verification = "ImageTrust.Pipeline.Services.PushVerificationService"', 'verification = "ImageTrust.Pipeline.PushVerificationService"'], /verification_outcomes: the filter matches none of the log lines the code writes/],
  ['a label extractor naming a field the logs do not carry', ['monitoring.tf', 'rule           = "EXTRACT(jsonPayload.rule)"', 'rule           = "EXTRACT(jsonPayload.policyRule)"'], /status_transitions: label rule \(EXTRACT\(jsonPayload\.policyRule\)\): the field is missing on a matching line/],
  ['a value extractor naming a field the logs do not carry', ['monitoring.tf', 'value_extractor = "EXTRACT(jsonPayload.verificationMs)"', 'value_extractor = "EXTRACT(jsonPayload.latencyMs)"'], /verification_latency: value EXTRACT\(jsonPayload\.latencyMs\) is not a number/],
  ['a log-match alert on a status the code never writes', ['monitoring.tf', 'AND jsonPayload.to=\\"QUARANTINED\\""', 'AND jsonPayload.to=\\"QUARANTINE\\""'], /quarantine\.conditions\[0\]\.condition_matched_log: the filter matches none/],
  ['a filter outside the evaluated subset', ['monitoring.tf', 'AND jsonPayload.to:*"\n', 'AND jsonPayload.to=~\\"Q.*\\""\n'], /outside the evaluated subset/],
];

for (const [description, moduleMutation, expected] of logMutations) {
  test(`log filter check rejects: ${description}`, async () => {
    const { config } = await loadModuleFromTexts(mutate(moduleTexts, ...moduleMutation));
    expectProblem(logFilterResults(config, entries).problems, expected);
  });
}

test('log filter check rejects samples whose transition line lost a field the metrics extract', async () => {
  const { config } = await loadModule(MODULE_DIR);
  const stripped = entries.map((e) => {
    const copy = structuredClone(e);
    delete copy.jsonPayload.repository;
    return copy;
  });
  expectProblem(logFilterResults(config, stripped).problems, /status_transitions: label repository \(EXTRACT\(jsonPayload\.repository\)\): the field is missing/);
});

// --- the evaluators themselves ------------------------------------------------------------------------------------------

test('the query evaluator reads AND, OR, NOT, parentheses, equality, has and presence the way Cloud Logging does', () => {
  const entry = logEntryFromStdout({ severity: 'WARNING', message: 'm', logger: 'A.B', to: 'QUARANTINED', n: 12, 'logging.googleapis.com/trace': 't' }, 'imagetrust-push-verifier');
  assert.equal(entry.severity, 'WARNING');
  assert.equal(entry.trace, 't');
  assert.equal(entry.jsonPayload.severity, undefined);
  const cases = [
    ['jsonPayload.to="QUARANTINED"', true], ['jsonPayload.to="quarantined"', false], ['jsonPayload.to:"quarant"', true],
    ['jsonPayload.to:*', true], ['jsonPayload.from:*', false], ['jsonPayload.from="X"', false], ['jsonPayload.n="12"', true],
    ['resource.type="cloud_run_revision" AND resource.labels.service_name:"imagetrust-"', true],
    ['jsonPayload.to="VERIFIED" OR severity="WARNING"', true], ['jsonPayload.to="VERIFIED" OR severity="INFO"', false],
    ['NOT jsonPayload.to="VERIFIED"', true], ['jsonPayload.logger="A.B" jsonPayload.to="VERIFIED"', false],
    ['severity="WARNING" AND (jsonPayload.to="VERIFIED" OR jsonPayload.n="12")', true],
    ['severity="INFO" OR jsonPayload.to="QUARANTINED" AND jsonPayload.n="13"', false],
  ];
  for (const [filter, expected] of cases) {
    assert.equal(matches(filter, entry), expected, filter);
  }
  for (const outside of ['jsonPayload.n>10', 'jsonPayload.to=~"Q.*"', 'jsonPayload.to=QUARANTINED', '(jsonPayload.to:*', 'timestamp>="2026-01-01T00:00:00Z"']) {
    assert.throws(() => parseFilter(outside), undefined, outside);
  }
  assert.deepEqual(extract('REGEXP_EXTRACT(jsonPayload.r, "^([^,]*)")', logEntryFromStdout({ r: 'A,B' }, 's')), { present: true, value: 'A' });
  assert.deepEqual(extract('EXTRACT(jsonPayload.r)', logEntryFromStdout({}, 's')), { present: false, value: null });
  assert.deepEqual(extract('EXTRACT(severity)', logEntryFromStdout({ severity: 'INFO' }, 's')), { present: true, value: 'INFO' });
});

test('the discovery validator rejects unknown fields, wrong types, enums, output-only fields and missing required fields', () => {
  const logging = loadDiscovery('logging.v2');
  assert.deepEqual(validate(logging, 'LogMetric', { name: 'm', filter: 'f', metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', labels: [{ key: 'k', valueType: 'STRING' }] } }), []);
  const problems = validate(logging, 'LogMetric', { filter: 7, colour: 'red', createTime: '2026-01-01T00:00:00Z', metricDescriptor: { metricKind: 'SOMETIMES', labels: {} } });
  for (const pattern of [/LogMetric: the required field name is missing/, /LogMetric\.filter: expected a string/, /unknown field colour/, /createTime: is output only/, /metricKind: "SOMETIMES" is not one of/, /metricDescriptor\.labels: expected a list/]) {
    expectProblem(problems, pattern);
  }
});
