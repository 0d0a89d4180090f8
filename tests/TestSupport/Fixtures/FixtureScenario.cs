namespace ImageTrust.TestSupport.Fixtures;

/// <summary>One catalog entry: an image in the fixture registry, the verification flags and the expected outcome.</summary>
/// <param name="Name">Unique scenario name, e.g. <c>skopeo-signed</c>.</param>
/// <param name="Group">The generator group, e.g. <c>A-skopeo</c>.</param>
/// <param name="Description">What the scenario exercises.</param>
/// <param name="Repository">The repository name (no registry host).</param>
/// <param name="Tag">The image's tag; null when it has none.</param>
/// <param name="Digest">The image's manifest digest (<c>sha256:…</c>).</param>
/// <param name="Platforms">For an index: platform (<c>linux/amd64</c>) → platform manifest digest; empty otherwise.</param>
/// <param name="Reference">The reference to verify without the registry host: <c>repo@sha256:…</c> or <c>repo:tag</c>.</param>
/// <param name="Command">The CLI command: <c>verify</c> or <c>verify-attestation</c>.</param>
/// <param name="Flags">CLI flag name (without dashes) → value; boolean flags have the value <c>true</c>. Path values are
/// relative to the fixtures directory (see <see cref="PathFlags"/>).</param>
/// <param name="PathFlags">The flag names whose values are file paths.</param>
/// <param name="Expected">The expected verdict.</param>
/// <param name="ExpectedReason">An indicative reason code for a failure (e.g. <c>SIGNATURE_INVALID</c>); null when unknown.</param>
/// <param name="FixturesDirectory">The absolute fixtures directory the paths resolve against.</param>
internal sealed record FixtureScenario(
    string Name,
    string Group,
    string Description,
    string Repository,
    string? Tag,
    string Digest,
    IReadOnlyDictionary<string, string> Platforms,
    string Reference,
    string Command,
    IReadOnlyDictionary<string, string> Flags,
    IReadOnlySet<string> PathFlags,
    FixtureExpectation Expected,
    string? ExpectedReason,
    string FixturesDirectory)
{
    /// <summary>True when the reference names a tag only (the verifier must resolve the digest).</summary>
    public bool ByTag => !Reference.Contains('@', StringComparison.Ordinal);

    /// <summary>The full image reference at a registry, e.g. <c>127.0.0.1:5000/skopeo/signed@sha256:…</c>.</summary>
    /// <param name="registryHostPort">The registry's <c>host:port</c>.</param>
    public string ReferenceAt(string registryHostPort) => $"{registryHostPort}/{Reference}";

    /// <summary>The value of a flag, with path flags resolved to absolute paths; null when the flag is not set.</summary>
    public string? Flag(string name)
    {
        if (!Flags.TryGetValue(name, out var value))
        {
            return null;
        }

        return PathFlags.Contains(name) ? Path.Combine(FixturesDirectory, value) : value;
    }

    /// <summary>
    /// The CLI arguments after the command: the image reference at <paramref name="registryHostPort"/>, then
    /// <c>--flag value</c> pairs (absolute paths) and bare <c>--flag</c> for booleans. The caller adds transport flags
    /// such as <c>--allow-http-registry</c>.
    /// </summary>
    public IReadOnlyList<string> CliArguments(string registryHostPort)
    {
        var arguments = new List<string> { ReferenceAt(registryHostPort) };
        foreach (var (name, _) in Flags.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var value = Flag(name)!;
            arguments.Add("--" + name);
            if (!string.Equals(value, "true", StringComparison.Ordinal) || PathFlags.Contains(name))
            {
                arguments.Add(value);
            }
        }

        return arguments;
    }
}
