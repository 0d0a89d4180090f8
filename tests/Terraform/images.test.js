'use strict';
// The container images' Dockerfiles: a Native AOT binary on the chiseled runtime-deps base, copied under the name the
// publish gives it and started by the ENTRYPOINT. scripts/check-images (part of scripts/test) builds and runs them.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT } = require('./lib/hcl');
const { IMAGES, describe, dockerfileProblems } = require('./lib/dockerfile');

const texts = Object.fromEntries(Object.entries(IMAGES).map(([name, image]) => [name, fs.readFileSync(path.join(REPO_ROOT, image.dockerfile), 'utf8')]));

for (const [name, image] of Object.entries(IMAGES)) {
  test(`${image.dockerfile} builds a runnable Native AOT image`, () => {
    assert.deepEqual(dockerfileProblems(texts[name], image.buildArgs), []);
  });
}

test('the function image serves the function its build argument names, for each of the three', () => {
  for (const name of ['PushVerifier', 'OccurrenceHandler', 'Reverifier']) {
    const image = describe(texts.function, { FUNCTION: name });
    assert.equal(image.project, `functions/${name}/${name}.csproj`);
    assert.equal(image.copySource, `/out/${name}`);
    assert.equal(image.env.FUNCTION_TARGET, name);
    assert.deepEqual(dockerfileProblems(texts.function, { FUNCTION: name }), []);
  }
});

// The image cloudbuild.yaml built before issue 12: a framework-dependent publish on the plain runtime image, started as
// `dotnet /app/imagetrust.dll`, although the assembly is ImageTrust.Cli.dll and the library needs ASP.NET Core.
const OLD_INLINE = `FROM mcr.microsoft.com/dotnet/sdk:10.0.100 AS build
WORKDIR /src
COPY . .
RUN dotnet publish shared/Cli/ImageTrust.Cli.csproj -c Release -o /workspace/out/cli

FROM mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /workspace/out/cli /app
ENTRYPOINT ["dotnet", "/app/imagetrust.dll"]
`;

const mutations = [
  ['the image cloudbuild.yaml used to build', () => OLD_INLINE, [/Native AOT/, /linux-x64/, /chiseled runtime-deps/, /copy the published binary \/workspace\/out\/cli\/ImageTrust\.Cli/, /ENTRYPOINT/]],
  ['a framework-dependent publish', (text) => text.replace(' -p:PublishAot=true', ''), [/Native AOT/]],
  ['the plain runtime base', (text) => text.replace('ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled', 'ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled'), [/chiseled runtime-deps image/]],
  ['the binary copied under the assembly name the old image assumed', (text) => text.replace('COPY --from=build /out/ImageTrust.Cli /usr/local/bin/imagetrust', 'COPY --from=build /out/imagetrust /usr/local/bin/imagetrust'), [/copy the published binary \/out\/ImageTrust\.Cli, not \/out\/imagetrust/]],
  ['an ENTRYPOINT that runs something else', (text) => text.replace('ENTRYPOINT ["/usr/local/bin/imagetrust"]', 'ENTRYPOINT ["dotnet", "/usr/local/bin/imagetrust.dll"]'), [/ENTRYPOINT must be the exec form starting the copied binary \/usr\/local\/bin\/imagetrust/]],
  ['a shell-form ENTRYPOINT (the chiseled base has no shell)', (text) => text.replace('ENTRYPOINT ["/usr/local/bin/imagetrust"]', 'ENTRYPOINT /usr/local/bin/imagetrust'), [/exec form/]],
];

for (const [name, apply, expected] of mutations) {
  test(`Dockerfile check rejects: ${name}`, () => {
    const broken = apply(texts.cli);
    assert.notEqual(broken, texts.cli, 'the mutation changed nothing');
    const problems = dockerfileProblems(broken);
    for (const pattern of expected) {
      assert.ok(problems.some((problem) => pattern.test(problem)), `expected a problem matching ${pattern}, got ${JSON.stringify(problems)}`);
    }
  });
}

test('Dockerfile check rejects a function image that copies another function\'s binary', () => {
  const broken = texts.function.replace('COPY --from=build /out/${FUNCTION} /app/function', 'COPY --from=build /out/PushVerifier /app/function');
  assert.notEqual(broken, texts.function);
  assert.deepEqual(dockerfileProblems(broken, { FUNCTION: 'PushVerifier' }), []);
  assert.ok(dockerfileProblems(broken, { FUNCTION: 'Reverifier' }).some((problem) => /copy the published binary \/out\/Reverifier/.test(problem)));
});

test('.dockerignore keeps build output and CI credentials out of the build context', () => {
  const ignored = fs.readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  for (const entry of ['**/bin/', '**/obj/', '.ci/', '.git/', '.run/']) {
    assert.ok(ignored.includes(entry), `.dockerignore must list ${entry}`);
  }
});
