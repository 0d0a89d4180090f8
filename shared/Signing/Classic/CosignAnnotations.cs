namespace ImageTrust.Signing.Classic;

/// <summary>Annotation keys cosign writes on each layer of a classic <c>sha256-…sig</c> manifest.</summary>
internal static class CosignAnnotations
{
    /// <summary>Base64 signature over the exact payload bytes.</summary>
    public const string Signature = "dev.cosignproject.cosign/signature";

    /// <summary>PEM leaf certificate of a keyless signature.</summary>
    public const string Certificate = "dev.sigstore.cosign/certificate";

    /// <summary>PEM intermediates and root of a keyless signature.</summary>
    public const string Chain = "dev.sigstore.cosign/chain";

    /// <summary>JSON Rekor bundle: <c>{SignedEntryTimestamp, Payload{body, integratedTime, logIndex, logID}}</c>.</summary>
    public const string Bundle = "dev.sigstore.cosign/bundle";

    /// <summary>JSON RFC 3161 timestamp bundle.</summary>
    public const string Rfc3161Timestamp = "dev.sigstore.cosign/rfc3161timestamp";
}
