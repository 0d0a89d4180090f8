using ImageTrust.Model;
using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Verification;

/// <summary>A fake bundle verifier: every bundle verifies for the first keyless authority; records subjects.</summary>
internal sealed class FakeBundleVerifier : BundleSignatureVerifier
{
    public List<Digest> Subjects { get; } = [];

    public override SignatureOutcome Verify(ReadOnlyMemory<byte> bundleJson, Digest subject, IReadOnlyList<Signer> authorities, bool requireTlog, bool requireSct)
    {
        Subjects.Add(subject);
        var authority = authorities[0].Name;
        return new SignatureOutcome(
            new SignatureVerification(SignatureKinds.BundleKeyless, true, "OK", authority, "dev@example.com", "https://accounts.example.com", null, 1, null, [CheckResult.Pass("bundle")]),
            [authority],
            "keyless:https://accounts.example.com dev@example.com");
    }
}
