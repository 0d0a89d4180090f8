using System.Text;
using ImageTrust.Signing.Dsse;

namespace ImageTrust.Shared.Tests.Signing.Dsse;

public sealed class DsseTests
{
    [Fact]
    public void Encode_SpecExample_MatchesDsseV1()
    {
        var pae = PreAuthenticationEncoder.Encode("http://example.com/HelloWorld", Encoding.UTF8.GetBytes("hello world"));

        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world", Encoding.UTF8.GetString(pae));
    }

    [Fact]
    public void Parse_EnvelopeWithoutPayloadType_Throws()
    {
        Assert.Throws<FormatException>(() => DsseEnvelope.Parse(Encoding.UTF8.GetBytes("""{"payload":"e30=","signatures":[]}""")));
        Assert.Throws<FormatException>(() => DsseEnvelope.Parse(Encoding.UTF8.GetBytes("""{"payloadType":"x","payload":"!!","signatures":[]}""")));
    }

    [Fact]
    public void Parse_UrlSafeBase64Payload_Decodes()
    {
        var envelope = DsseEnvelope.Parse(Encoding.UTF8.GetBytes("""{"payloadType":"t","payload":"-_8","signatures":[{"sig":"AQ=="}]}"""));

        Assert.Equal(new byte[] { 0xfb, 0xff }, envelope.Payload);
        Assert.Single(envelope.Signatures);
    }

    [Fact]
    public void Parse_StatementWithSubjects_ReadsDigestsAndPredicate()
    {
        var statement = InTotoStatement.Parse(Encoding.UTF8.GetBytes("""
            {"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"img","digest":{"sha256":"ABCD"}}],
             "predicateType":"https://slsa.dev/provenance/v1","predicate":{"builder":{"id":"ci"}}}
            """));

        Assert.True(statement.HasSubjectDigest("sha256", "abcd"));
        Assert.False(statement.HasSubjectDigest("sha256", "abce"));
        Assert.Equal("ci", statement.Predicate.GetProperty("builder").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}""")]
    [InlineData("""{"_type":"https://example.com/other","subject":[{"digest":{"sha256":"ab"}}],"predicateType":"p"}""")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}]}""")]
    [InlineData("[1]")]
    public void Parse_InvalidStatement_Throws(string json)
    {
        Assert.Throws<FormatException>(() => InTotoStatement.Parse(Encoding.UTF8.GetBytes(json)));
    }

    // Go's encoding/json (cosign, classic .att) would read the later key; ImageTrust refuses rather than read the first.
    [Theory]
    [InlineData("""{"payloadType":"t","payload":"e30=","Payload":"W10=","signatures":[]}""", "'payload'")]
    [InlineData("""{"payloadType":"t","payload":"e30=","payload":"W10=","signatures":[]}""", "'payload'")]
    [InlineData("""{"payloadType":"t","PAYLOADTYPE":"u","payload":"e30=","signatures":[]}""", "'payloadType'")]
    [InlineData("""{"payloadType":"t","payload":"e30=","signatures":[],"\u017Fignatures":[]}""", "'signatures'")]
    [InlineData("""{"payloadType":"t","payload":"e30=","signatures":[{"sig":"AQ==","Sig":"Ag=="}]}""", "'sig'")]
    [InlineData("""{"payloadType":"t","payload":"e30=","signatures":[{"sig":"AQ==","\u212Aeyid":"k"}]}""", "'keyid'")]
    public void Parse_EnvelopeFieldUnderTwoSpellings_Throws(string json, string field)
    {
        var error = Assert.Throws<FormatException>(() => DsseEnvelope.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    // Exact names only: Go's encoding/json would read "Payload" as payload, protojson (sigstore-go) would refuse it.
    [Fact]
    public void Parse_EnvelopeKeyInOtherCase_Throws()
    {
        Assert.Throws<FormatException>(() => DsseEnvelope.Parse(Encoding.UTF8.GetBytes("""{"payloadType":"t","Payload":"e30=","signatures":[]}""")));
    }

    [Theory]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}],"Subject":[{"digest":{"sha256":"cd"}}],"predicateType":"p"}""", "'subject'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}],"\u017Fubject":[],"predicateType":"p"}""", "'subject'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"}}],"predicateType":"p","predicate_type":"q"}""", "'predicateType'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","type":"x","subject":[{"digest":{"sha256":"ab"}}],"predicateType":"p"}""", "'_type'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab"},"Digest":{"sha256":"cd"}}],"predicateType":"p"}""", "'digest'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"ab","sha256":"cd"}}],"predicateType":"p"}""", "'sha256'")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":1}}],"predicateType":"p"}""", "sha256")]
    [InlineData("""{"_type":"https://in-toto.io/Statement/v1","subject":[1],"predicateType":"p"}""", "subject")]
    public void Parse_StatementGoWouldReadDifferently_Throws(string json, string mentioned)
    {
        var error = Assert.Throws<FormatException>(() => InTotoStatement.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    // A DigestSet is a Go map (and a protobuf map): keys match exactly, so "SHA256" is not the sha256 digest.
    [Fact]
    public void HasSubjectDigest_UpperCaseAlgorithmKey_NotSha256()
    {
        var statement = InTotoStatement.Parse(Encoding.UTF8.GetBytes("""
            {"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"img","digest":{"SHA256":"abcd"}}],"predicateType":"p"}
            """));

        Assert.False(statement.HasSubjectDigest("sha256", "abcd"));
    }
}
