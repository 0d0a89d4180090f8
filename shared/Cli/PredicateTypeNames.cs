namespace ImageTrust.Cli;

/// <summary>cosign's <c>--type</c> shorthands and the predicate type URIs they stand for.</summary>
internal static class PredicateTypeNames
{
    private static readonly Dictionary<string, string> Shorthands = new(StringComparer.Ordinal)
    {
        ["slsaprovenance"] = "https://slsa.dev/provenance/v0.2",
        ["slsaprovenance02"] = "https://slsa.dev/provenance/v0.2",
        ["slsaprovenance1"] = "https://slsa.dev/provenance/v1",
        ["spdx"] = "https://spdx.dev/Document",
        ["spdxjson"] = "https://spdx.dev/Document",
        ["cyclonedx"] = "https://cyclonedx.org/bom",
        ["link"] = "https://in-toto.io/Link/v1",
        ["vuln"] = "https://cosign.sigstore.dev/attestation/vuln/v1",
        ["openvex"] = "https://openvex.dev/ns",
        ["custom"] = "https://cosign.sigstore.dev/attestation/v1",
    };

    /// <summary>The predicate type URI for a shorthand or a URI.</summary>
    /// <exception cref="ImageTrust.Model.ConfigurationException">It is neither a known shorthand nor an absolute URI.</exception>
    public static string Resolve(string type)
    {
        if (Shorthands.TryGetValue(type, out var uri))
        {
            return uri;
        }

        return Uri.TryCreate(type, UriKind.Absolute, out _)
            ? type
            : throw new ImageTrust.Model.ConfigurationException(
                $"--type {type}: not a predicate type URI nor one of {string.Join(", ", Shorthands.Keys)}");
    }
}
