using System.Text;
using ImageTrust.Signing.Bundles;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Shared.Tests.Signing.Bundles;

// sigstore-go reads bundles and trusted roots with protojson: the JSON name or the proto field name, exactly, and a field
// or a oneof given twice is an error. ImageTrust reads the JSON name only and refuses every other spelling.
public sealed class SigstoreBundleParserTests
{
    private const string Bundle03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    [Theory]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","media_type":"x"}""", "'mediaType'")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","mediaType":"x"}""", "'mediaType' appears more than once")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","VerificationMaterial":{}}""", "'verificationMaterial'")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"a"},"certificate":{"rawBytes":"AA=="}}}""", "oneof")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"a"}},"messageSignature":{},"dsse_envelope":{}}""", "'dsseEnvelope'")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"a"}},"messageSignature":{},"dsseEnvelope":{}}""", "oneof")]
    public void Parse_FieldNamedTwiceOrByAnotherSpelling_FormatException(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => SigstoreBundleParser.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(Bundle03, json[14..], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[],"Tlogs":[]}""", "'tlogs'")]
    [InlineData("""{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","certificateAuthorities":[],"certificate_authorities":[]}""", "'certificateAuthorities'")]
    public void TrustedRootParse_FieldNamedTwiceOrByAnotherSpelling_FormatException(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => TrustedRootParser.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
