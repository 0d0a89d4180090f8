using System.Text.RegularExpressions;

namespace ImageTrust.Model;

/// <summary>A Cloud KMS key version as cosign names it: <c>gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V</c>.</summary>
internal sealed partial record CloudKmsKeyName
{
    /// <summary>The URI scheme prefix.</summary>
    public const string Scheme = "gcpkms://";

    private CloudKmsKeyName(string resourceName)
    {
        ResourceName = resourceName;
    }

    /// <summary>The KMS resource name, <c>projects/…/cryptoKeyVersions/V</c>.</summary>
    public string ResourceName { get; }

    /// <summary>Parses a <c>gcpkms://</c> key reference.</summary>
    /// <exception cref="FormatException">The text is not a <c>gcpkms://</c> reference to a key version.</exception>
    public static CloudKmsKeyName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new FormatException($"KMS key reference must start with '{Scheme}'");
        }

        var name = text[Scheme.Length..];
        if (name.Length > 512 || !ResourcePattern().IsMatch(name))
        {
            throw new FormatException(
                $"KMS key reference '{(text.Length <= 120 ? text : text[..120] + "…")}' must name a key version: "
                + "gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V");
        }

        return new CloudKmsKeyName(name);
    }

    /// <inheritdoc />
    public override string ToString() => Scheme + ResourceName;

    [GeneratedRegex(@"\Aprojects/[a-z][a-z0-9-]{4,61}[a-z0-9]/locations/[a-zA-Z0-9_-]{1,63}/keyRings/[a-zA-Z0-9_-]{1,63}/cryptoKeys/[a-zA-Z0-9_-]{1,63}/cryptoKeyVersions/[0-9]{1,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResourcePattern();
}
