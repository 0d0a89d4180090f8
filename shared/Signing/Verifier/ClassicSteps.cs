namespace ImageTrust.Signing.Verifier;

/// <summary>Stable step names of the classic verification, in the order they run.</summary>
internal static class ClassicSteps
{
    /// <summary>The leaf certificate parses (keyless).</summary>
    public const string Certificate = "certificate";

    /// <summary>The signature verifies over the exact payload bytes.</summary>
    public const string Signature = "signature";

    /// <summary>The payload's claims name this image.</summary>
    public const string Claims = "claims";

    /// <summary>The payload's docker-reference names this image's repository (a warning unless the rule requires it).</summary>
    public const string DockerReference = "docker-reference";

    /// <summary>The Rekor SET verifies and its entry matches.</summary>
    public const string Tlog = "tlog";

    /// <summary>The signing time lies within the leaf's validity.</summary>
    public const string CertificateValidity = "certificate-validity";
}
