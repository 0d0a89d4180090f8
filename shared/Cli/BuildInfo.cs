using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Cli;

/// <summary>
/// What <c>imagetrust version</c> reports: the version, the commit it was built from, and the Sigstore trusted root compiled in.
/// </summary>
/// <param name="Version">The version (<c>-p:Version=</c> at publish; the project's <c>VersionPrefix</c> otherwise).</param>
/// <param name="Commit">The git commit (the SDK's <c>SourceRevisionId</c>), or null when the build had no git metadata.</param>
/// <param name="TrustedRootDate">
/// The newest validity start of any authority in the embedded public-good trusted root: the date of the latest key or
/// certificate rotation it knows about, so an old binary shows how stale its trust material is.
/// </param>
/// <param name="TrustedRootSha256">The SHA-256 of the embedded <c>trusted_root.json</c> (lowercase hex), to compare with Sigstore's TUF copy.</param>
internal sealed record BuildInfo(string Version, string? Commit, DateTimeOffset TrustedRootDate, string TrustedRootSha256)
{
    /// <summary>The build of this binary.</summary>
    public static BuildInfo Current { get; } = Create();

    /// <summary>
    /// Splits an informational version <c>VERSION[+COMMIT]</c> (the SDK appends <c>+SourceRevisionId</c>); a commit that is not
    /// 7–64 hex digits is not reported as one.
    /// </summary>
    public static (string Version, string? Commit) ParseInformationalVersion(string? informationalVersion)
    {
        if (string.IsNullOrWhiteSpace(informationalVersion))
        {
            return ("unknown", null);
        }

        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return (informationalVersion, null);
        }

        var commit = informationalVersion[(plus + 1)..];
        var isCommit = commit.Length is >= 7 and <= 64 && commit.All(char.IsAsciiHexDigit);
        return (informationalVersion[..plus], isCommit ? commit.ToLowerInvariant() : null);
    }

    /// <summary>The newest validity start among the certificate, transparency-log, CT-log and timestamp authorities.</summary>
    public static DateTimeOffset NewestValidityStart(TrustedMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        return material.CertificateAuthorities.Select(authority => authority.Validity.Start)
            .Concat(material.TimestampAuthorities.Select(authority => authority.Validity.Start))
            .Concat(material.TransparencyLogs.Select(log => log.Validity.Start))
            .Concat(material.CertificateTransparencyLogs.Select(log => log.Validity.Start))
            .DefaultIfEmpty(DateTimeOffset.MinValue)
            .Max();
    }

    private static BuildInfo Create()
    {
        var assembly = typeof(BuildInfo).Assembly;
        var (version, commit) = ParseInformationalVersion(assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

        // The trusted root is embedded in the assembly that parses it (Signing), whichever assembly that is.
        using var stream = typeof(TrustedMaterial).Assembly.GetManifestResourceStream(TrustedRootParser.PublicGoodResourceName)
            ?? throw new InvalidOperationException("the public-good trusted root is not embedded");
        var digest = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new BuildInfo(version, commit, NewestValidityStart(TrustedMaterial.PublicGood), digest);
    }

    /// <summary>The date as <c>yyyy-MM-dd</c> (UTC).</summary>
    public string TrustedRootDay => TrustedRootDate.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
