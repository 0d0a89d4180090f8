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
}
