using System.Text;
using ImageTrust.Signing;
using ImageTrust.Signing.Dsse;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Shared.Tests.Signing.Verifier;

/// <summary>
/// The image-signature statement policy against cosign's documented v3 image signature: a DSSE envelope whose in-toto
/// statement has the predicate type <c>https://sigstore.dev/cosign/sign/v1</c>.
/// </summary>
public sealed class StatementPolicyTests
{
    private const string Subject = """[{"name":"image","digest":{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}}]""";

    [Fact]
    public void ImageSignature_MessageSignature_NotADsseSignature()
    {
        var checks = new List<CheckResult>();

        StatementPolicy.ImageSignature.Check(null, null, checks);

        Assert.Equal("NOT_A_DSSE_SIGNATURE", Assert.Single(checks).ReasonCode);
    }

    [Fact]
    public void ImageSignature_SlsaProvenanceStatement_WrongPredicateType()
    {
        var (envelope, statement) = Statement("https://slsa.dev/provenance/v1");
        var checks = new List<CheckResult>();

        StatementPolicy.ImageSignature.Check(envelope, statement, checks);

        Assert.Equal("WRONG_PREDICATE_TYPE", Assert.Single(checks).ReasonCode);
    }

    [Fact]
    public void ImageSignature_EnvelopeWithoutStatement_WrongPredicateType()
    {
        var (envelope, _) = Statement("https://sigstore.dev/cosign/sign/v1");
        var checks = new List<CheckResult>();

        StatementPolicy.ImageSignature.Check(envelope, null, checks);

        Assert.Equal("WRONG_PREDICATE_TYPE", Assert.Single(checks).ReasonCode);
    }

    [Fact]
    public void ImageSignature_CosignSignV1Statement_Passes()
    {
        var (envelope, statement) = Statement("https://sigstore.dev/cosign/sign/v1");
        var checks = new List<CheckResult>();

        StatementPolicy.ImageSignature.Check(envelope, statement, checks);

        Assert.True(Assert.Single(checks).Passed);
    }

    private static (DsseEnvelope Envelope, InTotoStatement Statement) Statement(string predicateType)
    {
        var statement = """{"_type":"https://in-toto.io/Statement/v1","subject":""" + Subject + ""","predicateType":""" + "\"" + predicateType + "\"" + ""","predicate":{}}""";
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(statement));
        var envelope = """{"payloadType":"application/vnd.in-toto+json","payload":""" + "\"" + payload + "\"" + ""","signatures":[{"sig":"AQID"}]}""";
        return (DsseEnvelope.Parse(Encoding.UTF8.GetBytes(envelope)), InTotoStatement.Parse(Encoding.UTF8.GetBytes(statement)));
    }
}
