'use strict';
// Reads the two Dockerfiles (shared/Cli/Dockerfile, functions/Dockerfile) the way `docker build` would for what matters
// here: global ARG defaults, stages, the `RUN dotnet publish` of the build stage, and the final stage's base, COPY of the
// published binary and ENTRYPOINT. dockerfileProblems() checks that the image can run: a Native AOT binary (the chiseled
// runtime-deps base has no .NET runtime) copied under the name the publish gives it, and started by the ENTRYPOINT.
// scripts/check-images runs the extracted publish command (`node tests/Terraform/lib/dockerfile.js FILE [ARG=VALUE...]`).

const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT } = require('./hcl');

const IMAGES = {
  cli: { dockerfile: 'shared/Cli/Dockerfile', buildArgs: {} },
  function: { dockerfile: 'functions/Dockerfile', buildArgs: { FUNCTION: 'PushVerifier' } },
};

/** Instructions of a Dockerfile: [{instruction, args, line}], continuation lines joined, comments dropped. */
function instructions(text) {
  const result = [];
  let pending = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (pending === null && (/^\s*#/.test(line) || line.trim() === '')) {
      return;
    }
    if (pending !== null && /^\s*#/.test(line)) {
      return;
    }
    const continued = /\\\s*$/.test(line);
    const body = continued ? line.replace(/\\\s*$/, '') : line;
    if (pending === null) {
      pending = { text: body, line: index + 1 };
    } else {
      pending.text += ` ${body.trim()}`;
    }
    if (!continued) {
      const match = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(pending.text);
      if (match) {
        result.push({ instruction: match[1].toUpperCase(), args: match[2].trim(), line: pending.line });
      }
      pending = null;
    }
  });
  return result;
}

function substitute(text, variables) {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, bare) => {
    const name = braced || bare;
    return name in variables ? variables[name] : whole;
  });
}

/** The stages with their resolved base images and instructions; build args override ARG defaults. */
function readDockerfile(text, buildArgs = {}) {
  const globals = {};
  const stages = [];
  for (const item of instructions(text)) {
    if (item.instruction === 'FROM') {
      const [image, , alias] = substitute(item.args, globals).split(/\s+/);
      stages.push({ image, alias: alias || null, instructions: [], variables: {}, line: item.line });
      continue;
    }
    if (item.instruction === 'ARG') {
      const [name, value] = item.args.split('=');
      const scope = stages.length === 0 ? globals : stages[stages.length - 1].variables;
      scope[name] = name in buildArgs ? buildArgs[name] : (value !== undefined ? value : (name in globals ? globals[name] : ''));
      continue;
    }
    if (stages.length === 0) {
      continue;
    }
    const stage = stages[stages.length - 1];
    stage.instructions.push({ ...item, args: substitute(item.args, stage.variables) });
  }
  return { globals, stages };
}

/** Splits a shell command into words (no quoting needed by the publish lines; quotes are still honoured). */
function words(command) {
  return (command.match(/"[^"]*"|'[^']*'|\S+/g) || []).map((word) => word.replace(/^["']|["']$/g, ''));
}

/** What an image is built from and runs: the publish command, its project, output folder, and the final stage's parts. */
function describe(text, buildArgs = {}) {
  const { stages } = readDockerfile(text, buildArgs);
  const final = stages[stages.length - 1];
  const buildStage = stages.find((stage) => stage.instructions.some((item) => item.instruction === 'RUN' && /^dotnet publish /.test(item.args)));
  const publishInstruction = buildStage && buildStage.instructions.find((item) => item.instruction === 'RUN' && /^dotnet publish /.test(item.args));
  const publish = publishInstruction ? publishInstruction.args : null;
  const publishWords = publish ? words(publish) : [];
  const option = (...names) => {
    const index = publishWords.findIndex((word) => names.includes(word));
    return index >= 0 ? publishWords[index + 1] : null;
  };
  const project = publishWords.find((word) => /\.csproj$/.test(word)) || null;
  const copies = final ? final.instructions.filter((item) => item.instruction === 'COPY') : [];
  const copy = copies.map((item) => words(item.args)).find((parts) => parts[0] === `--from=${buildStage && buildStage.alias}`);
  const entrypointInstruction = final && final.instructions.filter((item) => item.instruction === 'ENTRYPOINT').pop();
  let entrypoint = null;
  if (entrypointInstruction) {
    try {
      entrypoint = JSON.parse(entrypointInstruction.args);
    } catch {
      entrypoint = entrypointInstruction.args; // shell form: a string
    }
  }
  const env = {};
  for (const item of final ? final.instructions.filter((i) => i.instruction === 'ENV') : []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)[= ](.*)$/.exec(item.args);
    if (match) {
      env[match[1]] = match[2];
    }
  }
  return {
    publish,
    publishWords,
    project,
    outputDir: option('-o', '--output'),
    runtime: option('-r', '--runtime'),
    configuration: option('-c', '--configuration'),
    finalImage: final ? final.image : null,
    copySource: copy ? copy[1] : null,
    copyDestination: copy ? copy[2] : null,
    entrypoint,
    env,
  };
}

/** The assembly a project publishes: its AssemblyName, else the project file's name. */
function assemblyName(projectPath) {
  const text = fs.readFileSync(path.join(REPO_ROOT, projectPath), 'utf8');
  const match = /<AssemblyName>([^<]+)<\/AssemblyName>/.exec(text);
  return match ? match[1].trim() : path.basename(projectPath, '.csproj');
}

/** Problems that would stop the image from running its binary. */
function dockerfileProblems(text, buildArgs = {}) {
  const problems = [];
  const image = describe(text, buildArgs);
  if (!image.publish) {
    return ['the build stage must run `dotnet publish`'];
  }
  if (!image.publishWords.includes('-p:PublishAot=true')) {
    problems.push('the publish must be Native AOT (-p:PublishAot=true): the runtime-deps base has no .NET runtime, and the library needs ASP.NET Core, which the plain runtime image lacks');
  }
  if (image.runtime !== 'linux-x64') {
    problems.push('the publish must target linux-x64 (-r linux-x64)');
  }
  if (image.configuration !== 'Release') {
    problems.push('the publish must be -c Release');
  }
  if (!image.outputDir) {
    problems.push('the publish must name its output folder (-o)');
  }
  if (!/^mcr\.microsoft\.com\/dotnet\/runtime-deps:[0-9][^ ]*-chiseled/.test(image.finalImage || '')) {
    problems.push(`the final stage must be a chiseled runtime-deps image (no shell, non-root), not ${image.finalImage}`);
  }
  if (image.project && image.outputDir) {
    const binary = `${image.outputDir.replace(/\/$/, '')}/${assemblyName(image.project)}`;
    if (image.copySource !== binary) {
      problems.push(`the final stage must copy the published binary ${binary}, not ${image.copySource}`);
    }
  }
  if (!Array.isArray(image.entrypoint) || image.entrypoint[0] !== image.copyDestination) {
    problems.push(`ENTRYPOINT must be the exec form starting the copied binary ${image.copyDestination}, not ${JSON.stringify(image.entrypoint)}`);
  }
  return problems;
}

if (require.main === module) {
  // node tests/Terraform/lib/dockerfile.js DOCKERFILE [NAME=VALUE...]: prints {publish, outputDir, binary, problems}.
  const [file, ...args] = process.argv.slice(2);
  const buildArgs = Object.fromEntries(args.map((arg) => arg.split(/=(.*)/s).slice(0, 2)));
  const text = fs.readFileSync(path.resolve(REPO_ROOT, file), 'utf8');
  const image = describe(text, buildArgs);
  const binary = image.project ? assemblyName(image.project) : null;
  process.stdout.write(`${JSON.stringify({ publish: image.publish, outputDir: image.outputDir, binary, env: image.env, problems: dockerfileProblems(text, buildArgs) })}\n`);
}

module.exports = { IMAGES, instructions, readDockerfile, describe, assemblyName, dockerfileProblems };
