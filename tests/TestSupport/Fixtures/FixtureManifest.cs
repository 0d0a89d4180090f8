namespace ImageTrust.TestSupport.Fixtures;

/// <summary>A manifest of a fixture repository: its digest and the mediaType it is pushed with.</summary>
internal sealed record FixtureManifest(string Digest, string MediaType);
