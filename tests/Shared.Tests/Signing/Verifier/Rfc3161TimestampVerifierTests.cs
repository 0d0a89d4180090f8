using ImageTrust.Shared.Tests.Signing.Certificates;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

public sealed class Rfc3161TimestampVerifierTests
{
    private const string Case = "rekor2-happy-path";

    [Fact]
    public void Verify_TimestampOverBundleSignature_PassesWithItsTime()
    {
        var bundle = ConformanceMaterial.ParsedBundle(Case);

        var verification = Rfc3161TimestampVerifier.Verify(bundle.SignedTimestamps[0], bundle.SignatureBytes, ConformanceMaterial.TrustedRoot(Case));

        Assert.True(verification.Result.Passed, verification.Result.Detail);
        Assert.Equal(new DateTimeOffset(2025, 6, 12, 12, 2, 20, TimeSpan.Zero), verification.Time);
    }

    [Fact]
    public void Verify_TimestampOverOtherBytes_FailsImprint()
    {
        var bundle = ConformanceMaterial.ParsedBundle(Case);

        var verification = Rfc3161TimestampVerifier.Verify(bundle.SignedTimestamps[0], [1, 2, 3], ConformanceMaterial.TrustedRoot(Case));

        Assert.Equal("TIMESTAMP_IMPRINT_MISMATCH", verification.Result.ReasonCode);
        Assert.Null(verification.Time);
    }

    [Fact]
    public void Verify_TimestampFromUntrustedAuthority_Fails()
    {
        var bundle = ConformanceMaterial.ParsedBundle(Case);

        var verification = Rfc3161TimestampVerifier.Verify(bundle.SignedTimestamps[0], bundle.SignatureBytes, TrustedMaterial.PublicGood);

        Assert.False(verification.Result.Passed);
    }

    [Fact]
    public void Verify_Garbage_FailsMalformed()
    {
        Assert.Equal("TIMESTAMP_MALFORMED", Rfc3161TimestampVerifier.Verify(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 }, [1], TrustedMaterial.PublicGood).Result.ReasonCode);
    }
}
