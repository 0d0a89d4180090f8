using ImageTrust.Model;

namespace ImageTrust.Signing.Verifier;

/// <summary>What a classic signature must establish: it signs <paramref name="ImageDigest"/>, with the rule's proof requirements.</summary>
/// <param name="ImageDigest">The image (or platform manifest) digest the payload must name.</param>
/// <param name="RequireTlog">A Rekor proof is required.</param>
/// <param name="RequireSct">An SCT is required on keyless certificates.</param>
internal sealed record ClassicExpectations(Digest ImageDigest, bool RequireTlog, bool RequireSct)
{
    /// <summary>The verified image's canonical <c>registry/repository</c>, for the docker-reference check; null to skip it.</summary>
    public string? Repository { get; init; }

    /// <summary>A docker-reference that does not name <see cref="Repository"/> fails the signature instead of warning.</summary>
    public bool RequireDockerReference { get; init; }

    /// <summary>The digest as the payload writes it.</summary>
    public string ImageDigestText { get; } = ImageDigest.ToString();
}
