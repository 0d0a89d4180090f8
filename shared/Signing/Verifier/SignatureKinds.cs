namespace ImageTrust.Signing.Verifier;

/// <summary>Values of <see cref="SignatureVerification.Kind"/>.</summary>
internal static class SignatureKinds
{
    /// <summary>A classic <c>.sig</c> layer verified with a public key.</summary>
    public const string ClassicKey = "classic-key";

    /// <summary>A classic <c>.sig</c> layer with a Fulcio certificate.</summary>
    public const string ClassicKeyless = "classic-keyless";

    /// <summary>A Sigstore bundle (referrer or fallback tag) with a public key hint.</summary>
    public const string BundleKey = "bundle-key";

    /// <summary>A Sigstore bundle with a Fulcio certificate.</summary>
    public const string BundleKeyless = "bundle-keyless";
}
