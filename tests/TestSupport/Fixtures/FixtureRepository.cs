namespace ImageTrust.TestSupport.Fixtures;

/// <summary>One repository of the fixture registry.</summary>
/// <param name="Name">The repository name, e.g. <c>skopeo/signed</c>.</param>
/// <param name="Manifests">Every manifest, children before the indexes that name them (push order).</param>
/// <param name="Tags">Tag → manifest digest.</param>
/// <param name="Blobs">Digests of the configs and layers the manifests reference.</param>
internal sealed record FixtureRepository(
    string Name,
    IReadOnlyList<FixtureManifest> Manifests,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Blobs);
