using ImageTrust.Model;

namespace ImageTrust.Cli;

/// <summary>The real engines behind the CLI.</summary>
internal static class ProductionServices
{
    /// <summary>Creates the production services.</summary>
    public static CliServices Create() => new()
    {
        CreateImageVerifier = _ => throw new ConfigurationException("the image verification engine is not part of this build yet"),
        CreateAttestationVerifier = _ => throw new ConfigurationException("the attestation verification engine is not part of this build yet"),
        VerifyBundleAsync = (_, _) => throw new ConfigurationException("the bundle verification engine is not part of this build yet"),
    };
}
