'use strict';
// Structural checks of cloudbuild.yaml: step order (preflight, test, build, scan, push, sign, verify, cleanup, deploy),
// what each gate does, pinned builder images, substitutions, escaping of shell variables, and options.logging.

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { REPO_ROOT } = require('./hcl');

const CLOUDBUILD_PATH = path.join(REPO_ROOT, 'cloudbuild.yaml');

// Substitutions Cloud Build defines itself.
const BUILT_IN = new Set([
  'PROJECT_ID', 'PROJECT_NUMBER', 'BUILD_ID', 'LOCATION', 'TRIGGER_NAME', 'COMMIT_SHA', 'SHORT_SHA', 'REVISION_ID',
  'REPO_NAME', 'REPO_FULL_NAME', 'BRANCH_NAME', 'TAG_NAME', 'REF_NAME', 'TRIGGER_BUILD_CONFIG_PATH', 'SERVICE_ACCOUNT_EMAIL',
  'SERVICE_ACCOUNT', '_HEAD_BRANCH', '_BASE_BRANCH', '_HEAD_REPO_URL', '_PR_NUMBER',
]);

const REQUIRED_SUBSTITUTIONS = ['_PROJECT', '_REGION', '_REPOSITORY', '_TF_STATE_BUCKET', '_REVISION', '_DEPLOYMENT'];

// The distroless nonroot user the cosign -dev image runs as (gcr.io/distroless/static-debian12:debug-nonroot, the
// KO_DEFAULTBASEIMAGE of cosign's Makefile target ko-cosign-dev).
const COSIGN_USER = '65532';

// Terraform 1.11 introduced write-only arguments (the module's secret_data_wo).
const MINIMUM_TERRAFORM = [1, 11];

// Each stage is recognised by what its step runs. Order matters: this is the required sequence.
const STAGES = [
  { name: 'preflight', matches: (text) => /gcloud artifacts repositories describe/.test(text) },
  { name: 'test', matches: (text) => /(^|\s)scripts\/test(\s|$)/m.test(text) },
  { name: 'build', matches: (text) => /docker build/.test(text) },
  { name: 'scan', matches: (text) => /trivy image|gcloud artifacts docker images scan/.test(text) },
  { name: 'push', matches: (text) => /docker push/.test(text) },
  { name: 'sign', matches: (text) => /cosign sign(\s|$)/.test(text) },
  { name: 'verify', matches: (text) => /cosign verify(\s|$)/.test(text) },
  { name: 'cleanup', matches: (text) => /rm -rf \/workspace\/\.ci\/cosign/.test(text) },
  { name: 'terraform-init', matches: (text) => /terraform init|^init(\s|$)/.test(text) },
  { name: 'terraform-plan', matches: (text) => /terraform plan|^plan(\s|$)/.test(text) },
  { name: 'terraform-apply', matches: (text) => /terraform apply|^apply(\s|$)/.test(text) },
];

const FUNCTION_PROJECTS = ['PushVerifier', 'OccurrenceHandler', 'Reverifier'];

/** Reads and parses cloudbuild.yaml (or the given text). */
function loadCloudbuild(text = fs.readFileSync(CLOUDBUILD_PATH, 'utf8')) {
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0) {
    throw new Error(`cloudbuild.yaml does not parse: ${document.errors[0].message}`);
  }
  return { build: document.toJS(), text };
}

/** What a step runs, as one string: entrypoint, args and script. */
function stepText(step) {
  return [step.entrypoint, ...(step.args || []), step.script].filter(Boolean).join('\n');
}

/** Index of the first step of each stage (-1 when absent). */
function stageIndexes(build) {
  const steps = build.steps || [];
  const indexes = {};
  for (const stage of STAGES) {
    indexes[stage.name] = steps.findIndex((step) => stage.matches(stepText(step)));
  }
  return indexes;
}

function orderProblems(build) {
  const problems = [];
  const indexes = stageIndexes(build);
  for (const stage of STAGES) {
    if (indexes[stage.name] < 0) {
      problems.push(`no ${stage.name} step`);
    }
  }
  for (let i = 1; i < STAGES.length; i++) {
    const before = STAGES[i - 1].name;
    const after = STAGES[i].name;
    if (indexes[before] >= 0 && indexes[after] >= 0 && indexes[before] > indexes[after]) {
      problems.push(`${before} must run before ${after}`);
    }
  }
  for (const gate of ['test', 'scan', 'sign', 'verify']) {
    if (indexes[gate] > indexes['terraform-apply']) {
      problems.push(`${gate} must run before the deployment`);
    }
  }
  if (indexes.preflight !== 0) {
    problems.push('the first step must be the preflight check of the prerequisites');
  }
  (build.steps || []).forEach((step, index) => {
    if (step.waitFor !== undefined) {
      problems.push(`step ${step.id || index} sets waitFor; the pipeline relies on strict sequential order`);
    }
    if (step.allowFailure || step.allowExitCodes) {
      problems.push(`step ${step.id || index} may fail without failing the build`);
    }
  });
  return problems;
}

function gateProblems(build) {
  const problems = [];
  const steps = build.steps || [];
  const indexes = stageIndexes(build);
  const text = (stage) => (indexes[stage] >= 0 ? stepText(steps[indexes[stage]]) : '');

  const test = text('test');
  if (test && !/(^|\s)scripts\/test(\s|$)/m.test(test)) {
    problems.push('the test step must run scripts/test');
  }
  const preflight = text('preflight');
  if (preflight) {
    const missingBranch = /if ! gcloud artifacts repositories describe "\$\{_REPOSITORY\}" --location "\$\{_REGION\}" --project "\$\{_PROJECT\}"[^\n]*\n([\s\S]*?)\n\s*fi\n/.exec(preflight);
    if (!missingBranch || !/^\s*exit 1$/m.test(missingBranch[1])) {
      problems.push('preflight must stop the build when the _REPOSITORY repository does not exist');
    }
    if (!/revision="\$\{COMMIT_SHA\}"/.test(preflight) || !/\$\{_REVISION\}/.test(preflight) || !/\[0-9a-f\]\{40\}/.test(preflight)) {
      problems.push('preflight must take the revision from COMMIT_SHA, or _REVISION when COMMIT_SHA is empty (gcloud builds submit), and stop without one');
    }
  }
  const buildText = text('build');
  if (buildText) {
    if (!/docker build [^\n]*-f shared\/Cli\/Dockerfile/.test(buildText)) {
      problems.push('the CLI image must be built from shared/Cli/Dockerfile');
    }
    if (!/docker build [^\n]*-f functions\/Dockerfile [^\n]*--build-arg "FUNCTION=\$\$function"/.test(buildText) || !FUNCTION_PROJECTS.every((name) => buildText.includes(`:${name}`))) {
      problems.push('each function image must be built from functions/Dockerfile with --build-arg FUNCTION=<project>');
    }
    if (/\$\{COMMIT_SHA\}/.test(buildText) || !/org\.opencontainers\.image\.revision=\$\$revision/.test(buildText)) {
      problems.push('the images must be labelled with the revision preflight recorded (COMMIT_SHA is empty for gcloud builds submit)');
    }
    if (/docker push/.test(buildText)) {
      problems.push('the build step must not push: images are pushed only after the scan');
    }
  }
  const scan = text('scan');
  if (/trivy/.test(scan)) {
    if (!/--exit-code[ =]1/.test(scan)) {
      problems.push('the scan must fail the build (--exit-code 1)');
    }
    if (!/--severity[ =][A-Z,]*CRITICAL/.test(scan) || !/--severity[ =][A-Z,]*HIGH/.test(scan)) {
      problems.push('the scan must fail on CRITICAL and HIGH');
    }
    if (!/--ignore-unfixed/.test(scan)) {
      problems.push('the scan must only fail on vulnerabilities that have a fix (--ignore-unfixed)');
    }
    if (!/--scanners[ =]vuln(\s|$)/.test(scan)) {
      problems.push('the scan must run the vulnerability scanner only (--scanners vuln): a secret finding is not a vulnerability');
    }
    if (!/--input /.test(scan) || /--image-src remote/.test(scan)) {
      problems.push('the scan must read the built image archives (--input), before anything is pushed');
    }
  }
  const credentials = steps.find((step) => step.id === 'credentials');
  const credentialsText = credentials ? stepText(credentials) : '';
  if (!/print-identity-token[^\n]*\| tr -d '\\n' > \/workspace\/\.ci\/cosign\/oidc-token/.test(credentialsText)) {
    problems.push('the identity token must be written without a trailing newline (cosign reads the file verbatim)');
  }
  if (!new RegExp(`chown -R ${COSIGN_USER}:${COSIGN_USER} /workspace/\\.ci/cosign`).test(credentialsText)) {
    problems.push(`the token and cosign's HOME must belong to the cosign -dev image's user (uid ${COSIGN_USER})`);
  }
  for (const stage of ['sign', 'verify']) {
    const step = indexes[stage] >= 0 ? steps[indexes[stage]] : null;
    const env = (step && step.env) || [];
    if (step && (!env.includes('HOME=/workspace/.ci/cosign/home') || !env.includes('TUF_ROOT=/workspace/.ci/cosign/tuf'))) {
      problems.push(`${stage} must give cosign a writable HOME and TUF_ROOT`);
    }
    if (step && !/\/workspace\/\.ci\/images\/refs/.test(stepText(step))) {
      problems.push(`${stage} must work on the pushed digests (/workspace/.ci/images/refs)`);
    }
  }
  const sign = text('sign');
  if (/--key[ =]/.test(sign)) {
    problems.push('signing must be keyless (no --key)');
  }
  if (sign && !/--identity-token/.test(sign)) {
    problems.push("signing must use the build service account's identity token");
  }
  const verify = text('verify');
  if (verify && (!/--certificate-identity[ =]"?\$\{_SIGNER_IDENTITY\}/.test(verify) || !/--certificate-oidc-issuer[ =]/.test(verify))) {
    problems.push('verify must pin --certificate-identity ${_SIGNER_IDENTITY} and --certificate-oidc-issuer');
  }
  const cleanup = indexes.cleanup >= 0 ? steps[indexes.cleanup] : null;
  if (!cleanup) {
    problems.push('a cleanup step must remove the credentials before the deployment');
  } else {
    if (/cosign/.test(cleanup.name || '')) {
      problems.push('the cleanup must run as root (not in the cosign image, whose user cannot delete root\'s files)');
    }
    if (!/> terraform\/imagetrust\.auto\.tfvars\.json/.test(stepText(cleanup)) || !/function_images/.test(stepText(cleanup))) {
      problems.push('the cleanup must hand the verified function digests to Terraform (terraform/imagetrust.auto.tfvars.json)');
    }
  }
  const init = text('terraform-init');
  if (init && !/-backend-config="?bucket=\$\{_TF_STATE_BUCKET\}/.test(init)) {
    problems.push('terraform init must take the GCS state bucket from ${_TF_STATE_BUCKET}');
  }
  if (init && !/backend "gcs"/.test(init)) {
    problems.push('terraform init must configure the gcs backend');
  }
  for (const stage of ['terraform-init', 'terraform-plan', 'terraform-apply']) {
    if (indexes[stage] >= 0 && steps[indexes[stage]].dir !== 'terraform') {
      problems.push(`${stage} must run in terraform/`);
    }
    const version = indexes[stage] >= 0 ? /^hashicorp\/terraform:(\d+)\.(\d+)/.exec(steps[indexes[stage]].name || '') : null;
    if (indexes[stage] >= 0 && (!version || Number(version[1]) * 1000 + Number(version[2]) < MINIMUM_TERRAFORM[0] * 1000 + MINIMUM_TERRAFORM[1])) {
      problems.push(`${stage} must run Terraform ${MINIMUM_TERRAFORM.join('.')} or later (the module uses write-only arguments)`);
    }
  }
  return problems;
}

function imageProblems(build) {
  const problems = [];
  (build.steps || []).forEach((step, index) => {
    const name = step.name || '';
    const label = step.id || index;
    const digest = /@sha256:[0-9a-f]{64}$/.test(name);
    const tag = /:([A-Za-z0-9_.-]+)$/.exec(name.replace(/^[^/]*:\d+\//, ''));
    if (!digest && (!tag || tag[1] === 'latest' || !/\d/.test(tag[1]))) {
      problems.push(`step ${label}: builder image ${name} must be pinned by a version tag or digest`);
    }
    if (!step.id) {
      problems.push(`step ${index} needs an id`);
    }
  });
  return problems;
}

function substitutionProblems(build, text) {
  const problems = [];
  const defined = build.substitutions || {};
  for (const name of REQUIRED_SUBSTITUTIONS) {
    if (!(name in defined)) {
      problems.push(`substitution ${name} is not defined`);
    }
  }
  const stepsText = (build.steps || []).map((step) => JSON.stringify(step)).join('\n');
  for (const name of ['_PROJECT', '_REGION', '_REPOSITORY']) {
    if (!stepsText.includes(`\${${name}}`)) {
      problems.push(`substitution ${name} is never used`);
    }
  }
  // Every $NAME or ${NAME} Cloud Build sees must be a substitution; shell variables are escaped as $$NAME.
  for (const step of build.steps || []) {
    const source = stepText(step) + '\n' + (step.env || []).join('\n') + '\n' + (step.name || '') + '\n' + (step.dir || '');
    const pattern = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
    let match;
    while ((match = pattern.exec(source)) !== null) {
      if (match[1] === '$') {
        continue;
      }
      const name = match[2] || match[3];
      if (!(name in defined) && !BUILT_IN.has(name)) {
        problems.push(`step ${step.id}: $${name} is not a substitution (escape shell variables as $$${name})`);
      }
    }
  }
  const options = build.options || {};
  if (!options.logging) {
    problems.push('options.logging must be set (required with a user-specified service account)');
  }
  if (!/\bsubstitutions:/.test(text)) {
    problems.push('cloudbuild.yaml must declare substitutions');
  }
  return problems;
}

/** Runs every cloudbuild.yaml check; returns { name: problems[] }. */
function runCloudbuildChecks({ build, text }) {
  return {
    order: orderProblems(build),
    gates: gateProblems(build),
    images: imageProblems(build),
    substitutions: substitutionProblems(build, text),
  };
}

module.exports = { CLOUDBUILD_PATH, STAGES, loadCloudbuild, stageIndexes, runCloudbuildChecks };
