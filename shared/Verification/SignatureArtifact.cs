using System.Text.RegularExpressions;
using ImageTrust.Model;
using ImageTrust.Registry;

namespace ImageTrust.Verification;

/// <summary>
/// Recognises pushes that are signatures or attestations rather than images: cosign's <c>sha256-&lt;hex&gt;.sig</c>,
/// <c>.att</c>, <c>.sbom</c> and bare <c>sha256-&lt;hex&gt;</c> (bundle fallback) tags, and manifests with a <c>subject</c>.
/// Such a push is not verified itself; it triggers re-verification of its subject.
/// </summary>
internal static partial class SignatureArtifact
{
    /// <summary>
    /// Whether <paramref name="reference"/> (or its <paramref name="manifest"/>, when given) is a signature artifact;
    /// <paramref name="subject"/> is the digest it signs. A malformed manifest is not a signature artifact by its content.
    /// </summary>
    public static bool TryGetSubject(ImageReference reference, Manifest? manifest, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Digest? subject)
    {
        ArgumentNullException.ThrowIfNull(reference);
        subject = null;
        if (reference.Tag is { } tag)
        {
            var match = ArtifactTagPattern().Match(tag);
            if (match.Success)
            {
                subject = Digest.Parse($"{match.Groups["algorithm"].Value}:{match.Groups["hex"].Value}");
                return true;
            }
        }

        if (manifest is null)
        {
            return false;
        }

        try
        {
            subject = ManifestDocument.Parse(manifest).Subject?.Digest;
        }
        catch (FormatException)
        {
            subject = null;
        }

        return subject is not null;
    }

    [GeneratedRegex(@"\A(?<algorithm>sha256)-(?<hex>[0-9a-f]{64})(?:\.sig|\.att|\.sbom)?\z|\A(?<algorithm>sha512)-(?<hex>[0-9a-f]{128})(?:\.sig|\.att|\.sbom)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ArtifactTagPattern();
}
