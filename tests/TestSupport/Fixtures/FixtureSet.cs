using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace ImageTrust.TestSupport.Fixtures;

/// <summary>
/// The committed fixture registry (tests/Fixtures): repositories with manifests, tags and blobs captured byte for byte
/// from a registry the independent signers wrote to, and the scenario catalog. <see cref="PushToAsync(Uri, CancellationToken)"/> replays it into
/// any registry with identical digests.
/// </summary>
internal sealed class FixtureSet
{
    /// <summary>The catalog file name inside the fixtures directory.</summary>
    public const string CatalogFileName = "catalog.json";

    private const string RepositoriesFile = "registry/repositories.json";
    private const string BlobDirectory = "registry/blobs/sha256";

    private readonly Dictionary<string, FixtureScenario> _scenarios;

    private FixtureSet(string directory, IReadOnlyList<FixtureRepository> repositories, List<FixtureScenario> scenarios)
    {
        Directory = directory;
        Repositories = repositories;
        Scenarios = scenarios;
        _scenarios = scenarios.ToDictionary(scenario => scenario.Name, StringComparer.Ordinal);
    }

    /// <summary>The absolute fixtures directory.</summary>
    public string Directory { get; }

    /// <summary>Every repository, in push order.</summary>
    public IReadOnlyList<FixtureRepository> Repositories { get; }

    /// <summary>Every scenario of catalog.json, in catalog order.</summary>
    public IReadOnlyList<FixtureScenario> Scenarios { get; }

    /// <summary>Loads the fixtures found by <see cref="FixturesDirectory.Find"/>.</summary>
    public static FixtureSet LoadDefault() => Load(FixturesDirectory.Find());

    /// <summary>Loads catalog.json and registry/repositories.json from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="FormatException">A file is malformed.</exception>
    public static FixtureSet Load(string directory)
    {
        var root = Path.GetFullPath(directory);
        var repositories = ReadRepositories(Path.Combine(root, RepositoriesFile));
        var scenarios = ReadScenarios(Path.Combine(root, CatalogFileName), root);
        return new FixtureSet(root, repositories, scenarios);
    }

    /// <summary>The scenario named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such scenario.</exception>
    public FixtureScenario Scenario(string name) =>
        _scenarios.TryGetValue(name, out var scenario)
            ? scenario
            : throw new KeyNotFoundException($"no fixture scenario '{name}' in {Path.Combine(Directory, CatalogFileName)}");

    /// <summary>The absolute path of a file given relative to the fixtures directory (e.g. a key).</summary>
    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    /// <summary>The exact bytes of a blob or manifest.</summary>
    /// <exception cref="FileNotFoundException">The content is not in the set.</exception>
    public byte[] ReadContent(string digest)
    {
        var hex = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest["sha256:".Length..] : digest;
        return File.ReadAllBytes(Path.Combine(Directory, BlobDirectory, hex));
    }

    /// <summary>
    /// Pushes every repository over plain HTTP: blobs by monolithic upload (POST then PUT <c>?digest=</c>), then each
    /// manifest by digest and each tag, with the manifest's own mediaType as Content-Type. Digests are preserved.
    /// Repositories are pushed in parallel.
    /// </summary>
    /// <param name="registryBase">The registry's base URI, e.g. <c>http://127.0.0.1:5000/</c>.</param>
    /// <param name="cancellationToken">Cancels the push.</param>
    /// <exception cref="HttpRequestException">The registry refused a request or reported another digest.</exception>
    public Task PushToAsync(Uri registryBase, CancellationToken cancellationToken = default) =>
        PushToAsync(registryBase, Repositories.Select(repository => repository.Name), cancellationToken);

    /// <summary>Pushes only the named repositories (e.g. those of the scenarios a test uses); see the other overload.</summary>
    /// <exception cref="KeyNotFoundException">A name is not a fixture repository.</exception>
    public async Task PushToAsync(Uri registryBase, IEnumerable<string> repositoryNames, CancellationToken cancellationToken = default)
    {
        var selected = repositoryNames.Distinct(StringComparer.Ordinal)
            .Select(name => Repositories.FirstOrDefault(repository => repository.Name == name)
                ?? throw new KeyNotFoundException($"no fixture repository '{name}'"))
            .ToList();
        using var client = new HttpClient { BaseAddress = registryBase, Timeout = TimeSpan.FromSeconds(60) };
        var options = new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(selected, options, (repository, token) => new ValueTask(PushRepositoryAsync(client, repository, token)))
            .ConfigureAwait(false);
    }

    private async Task PushRepositoryAsync(HttpClient client, FixtureRepository repository, CancellationToken cancellationToken)
    {
        foreach (var blob in repository.Blobs)
        {
            await PushBlobAsync(client, repository.Name, blob, cancellationToken).ConfigureAwait(false);
        }

        foreach (var manifest in repository.Manifests)
        {
            await PushManifestAsync(client, repository.Name, manifest.Digest, manifest, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (tag, digest) in repository.Tags)
        {
            var manifest = repository.Manifests.First(candidate => candidate.Digest == digest);
            await PushManifestAsync(client, repository.Name, tag, manifest, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PushBlobAsync(HttpClient client, string repository, string digest, CancellationToken cancellationToken)
    {
        var content = ReadVerified(digest);
        using var start = await client.PostAsync($"v2/{repository}/blobs/uploads/", null, cancellationToken).ConfigureAwait(false);
        Expect(start, HttpStatusCode.Accepted, $"start upload of {digest} to {repository}");
        var location = start.Headers.Location
            ?? throw new HttpRequestException($"registry gave no upload location for {repository}");
        var upload = location.IsAbsoluteUri ? location : new Uri(client.BaseAddress!, location);
        var separator = upload.Query.Length > 0 ? "&" : "?";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await client.PutAsync(new Uri(upload + separator + "digest=" + Uri.EscapeDataString(digest)), body, cancellationToken)
            .ConfigureAwait(false);
        Expect(put, HttpStatusCode.Created, $"upload of {digest} to {repository}");
    }

    private async Task PushManifestAsync(
        HttpClient client, string repository, string reference, FixtureManifest manifest, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(ReadVerified(manifest.Digest));
        body.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
        using var put = await client.PutAsync($"v2/{repository}/manifests/{reference}", body, cancellationToken).ConfigureAwait(false);
        Expect(put, HttpStatusCode.Created, $"manifest {reference} of {repository}");
        if (put.Headers.TryGetValues("Docker-Content-Digest", out var reported) && reported.First() != manifest.Digest)
        {
            throw new HttpRequestException($"registry stored {repository}:{reference} as {reported.First()}, expected {manifest.Digest}");
        }
    }

    private byte[] ReadVerified(string digest)
    {
        var content = ReadContent(digest);
        var actual = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        if (actual != digest)
        {
            throw new InvalidDataException($"fixture content {digest} hashes to {actual}");
        }

        return content;
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException($"{what}: HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    private static List<FixtureRepository> ReadRepositories(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var repositories = new List<FixtureRepository>();
        foreach (var repository in Required(document.RootElement, "repositories", file).EnumerateObject())
        {
            var manifests = Required(repository.Value, "manifests", file).EnumerateArray()
                .Select(manifest => new FixtureManifest(Text(manifest, "digest", file), Text(manifest, "mediaType", file)))
                .ToList();
            var tags = Required(repository.Value, "tags", file).EnumerateObject()
                .ToDictionary(tag => tag.Name, tag => tag.Value.GetString() ?? throw Malformed(file, "tag " + tag.Name), StringComparer.Ordinal);
            var blobs = Required(repository.Value, "blobs", file).EnumerateArray()
                .Select(blob => blob.GetString() ?? throw Malformed(file, "blob"))
                .ToList();
            if (tags.Values.Any(digest => manifests.All(manifest => manifest.Digest != digest)))
            {
                throw Malformed(file, $"a tag of {repository.Name} names a manifest that is not listed");
            }

            repositories.Add(new FixtureRepository(repository.Name, manifests, tags, blobs));
        }

        return repositories;
    }

    private static List<FixtureScenario> ReadScenarios(string file, string root)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var pathFlags = Required(document.RootElement, "pathFlags", file).EnumerateArray()
            .Select(flag => flag.GetString() ?? throw Malformed(file, "pathFlags"))
            .ToHashSet(StringComparer.Ordinal);
        var scenarios = new List<FixtureScenario>();
        foreach (var entry in Required(document.RootElement, "scenarios", file).EnumerateArray())
        {
            var image = Required(entry, "image", file);
            var flags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var flag in Required(entry, "flags", file).EnumerateObject())
            {
                flags[flag.Name] = flag.Value.ValueKind switch
                {
                    JsonValueKind.True => "true",
                    JsonValueKind.String => flag.Value.GetString()!,
                    _ => throw Malformed(file, $"flag {flag.Name} must be a string or true"),
                };
            }

            var expected = Text(entry, "expected", file) switch
            {
                "verified" => FixtureExpectation.Verified,
                "failed" => FixtureExpectation.Failed,
                var other => throw Malformed(file, $"expected '{other}'"),
            };
            scenarios.Add(new FixtureScenario(
                Text(entry, "name", file),
                Text(entry, "group", file),
                Text(entry, "description", file),
                Text(image, "repository", file),
                OptionalText(image, "tag"),
                Text(image, "digest", file),
                ReadPlatforms(image, file),
                Text(entry, "reference", file),
                Text(entry, "command", file),
                flags,
                pathFlags,
                expected,
                OptionalText(entry, "expectedReason"),
                root));
        }

        return scenarios;
    }

    private static Dictionary<string, string> ReadPlatforms(JsonElement image, string file)
    {
        var platforms = new Dictionary<string, string>(StringComparer.Ordinal);
        if (image.TryGetProperty("platforms", out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var platform in value.EnumerateObject())
            {
                platforms[platform.Name] = platform.Value.GetString() ?? throw Malformed(file, "platform " + platform.Name);
            }
        }

        return platforms;
    }

    private static JsonElement Required(JsonElement element, string property, string file) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value
            : throw Malformed(file, $"missing '{property}'");

    private static string Text(JsonElement element, string property, string file) =>
        Required(element, property, file).GetString() ?? throw Malformed(file, $"'{property}' is null");

    private static string? OptionalText(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static FormatException Malformed(string file, string detail) => new($"{file}: {detail}");
}
