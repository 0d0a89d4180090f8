using ImageTrust.Model;

namespace ImageTrust.Signing.Verifier;

/// <summary>
/// Step: the payload's <c>critical.identity.docker-reference</c> names this image's repository (its tag or digest, if any, is
/// not compared). cosign does not check it, so by default a mismatch is only a warning; a rule can require it.
/// </summary>
internal static class DockerReferenceStep
{
    /// <summary>The reason code of a mismatch, as a warning or as a failure.</summary>
    public const string IdentityMismatch = "IDENTITY_MISMATCH";

    /// <summary>Checks the claimed reference against <paramref name="repository"/> (canonical <c>registry/repository</c>).</summary>
    /// <param name="dockerReference">The payload's claim; null when absent.</param>
    /// <param name="repository">The verified image's repository name.</param>
    public static CheckResult Check(string? dockerReference, string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (dockerReference is null)
        {
            return CheckResult.Fail(ClassicSteps.DockerReference, IdentityMismatch, $"the payload has no docker-reference; the image is {repository}");
        }

        // The common case, compared without parsing: cosign writes the repository name itself.
        if (NamesRepositoryExactly(dockerReference, repository))
        {
            return CheckResult.Pass(ClassicSteps.DockerReference);
        }

        return ImageReference.TryParse(dockerReference, out var claimed) && string.Equals(claimed.RepositoryName, repository, StringComparison.Ordinal)
            ? CheckResult.Pass(ClassicSteps.DockerReference)
            : CheckResult.Fail(ClassicSteps.DockerReference, IdentityMismatch, $"the payload's docker-reference {Shorten(dockerReference)} is not this image's repository {repository}");
    }

    private static bool NamesRepositoryExactly(string dockerReference, string repository)
        => dockerReference.StartsWith(repository, StringComparison.Ordinal)
           && (dockerReference.Length == repository.Length
               || (dockerReference[repository.Length] is ':' or '@' && dockerReference.IndexOf('/', repository.Length) < 0));

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
