using System.Security.Cryptography;
using ImageTrust.Shared.Tests.Signing.Certificates;
using ImageTrust.Signing.Transparency;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Shared.Tests.Signing.Transparency;

public sealed class TransparencyVerifierTests
{
    private const string V1Case = "happy-path-v0.1";
    private const string V2Case = "rekor2-happy-path";

    [Fact]
    public void Verify_SetOfPublicGoodEntry_Passes()
    {
        var entry = ConformanceMaterial.ParsedBundle(V1Case).TransparencyLogEntries[0];

        var result = SignedEntryTimestampVerifier.Verify(entry, TrustedMaterial.PublicGood);

        Assert.True(result.Passed, result.Detail);
    }

    [Fact]
    public void Verify_SetOverAlteredIndexOrUnknownLog_Fails()
    {
        var entry = ConformanceMaterial.ParsedBundle(V1Case).TransparencyLogEntries[0];

        var altered = SignedEntryTimestampVerifier.Verify(entry with { LogIndex = entry.LogIndex + 1 }, TrustedMaterial.PublicGood);
        var unknown = SignedEntryTimestampVerifier.Verify(entry, ConformanceMaterial.TrustedRoot(V2Case));

        Assert.Equal("SET_INVALID", altered.ReasonCode);
        Assert.Equal("TLOG_UNTRUSTED", unknown.ReasonCode);
    }

    [Fact]
    public void Verify_InclusionProofOfEveryLeafOfSmallTree_PassesAndTamperedFails()
    {
        var leaves = Enumerable.Range(0, 7).Select(i => new[] { (byte)i }).ToArray();
        for (var index = 0; index < leaves.Length; index++)
        {
            var (root, path) = BuildProof(leaves, index);
            var proof = new InclusionProof(index, root, leaves.Length, path, null);

            Assert.True(MerkleInclusionVerifier.Verify(leaves[index], proof).Passed);
            Assert.False(MerkleInclusionVerifier.Verify([0xff], proof).Passed);
            if (path.Count > 0)
            {
                var tampered = path.Select(hash => (byte[])hash.Clone()).ToList();
                tampered[0][0] ^= 1;
                Assert.False(MerkleInclusionVerifier.Verify(leaves[index], proof with { Hashes = tampered }).Passed);
            }
        }
    }

    [Fact]
    public void Verify_InclusionProofIndexOutsideTree_Fails()
    {
        var proof = new InclusionProof(3, new byte[32], 3, [], null);

        Assert.Equal("INCLUSION_PROOF_INVALID", MerkleInclusionVerifier.Verify([1], proof).ReasonCode);
    }

    [Fact]
    public void Verify_RekorV2CheckpointWithEd25519_PassesAndWrongRootFails()
    {
        var entry = ConformanceMaterial.ParsedBundle(V2Case).TransparencyLogEntries[0];
        var material = ConformanceMaterial.TrustedRoot(V2Case);
        var proof = entry.InclusionProof!;

        Assert.True(CheckpointVerifier.Verify(proof, entry.LogId, material).Passed);
        Assert.True(MerkleInclusionVerifier.Verify(entry.CanonicalizedBody, proof).Passed);
        Assert.Equal("CHECKPOINT_MISMATCH", CheckpointVerifier.Verify(proof with { TreeSize = proof.TreeSize + 1 }, entry.LogId, material).ReasonCode);
        Assert.Equal("CHECKPOINT_SIGNATURE_INVALID", CheckpointVerifier.Verify(proof, entry.LogId, TrustedMaterial.PublicGood).ReasonCode);
    }

    [Theory]
    [InlineData("origin\n12\n")]
    [InlineData("origin\nabc\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 origin AAAAAAAA\n")]
    [InlineData("origin\n12\nAAAA\n\n\u2014 origin AAAAAAAA\n")]
    [InlineData("origin\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n")]
    [InlineData("origin\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n- origin AAAAAAAA\n")]
    public void Parse_MalformedCheckpoint_Throws(string note)
    {
        Assert.Throws<FormatException>(() => SignedCheckpoint.Parse(note));
    }

    [Fact]
    public void Parse_CheckpointWithCosignatures_KeepsEverySignature()
    {
        var note = "log.example\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n\n\u2014 log.example AQIDBAUG\n\u2014 witness AQIDBAUG\n";

        var checkpoint = SignedCheckpoint.Parse(note);

        Assert.Equal("log.example", checkpoint.Origin);
        Assert.Equal(12, checkpoint.TreeSize);
        Assert.Equal(2, checkpoint.Signatures.Count);
        Assert.Equal("log.example\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n", System.Text.Encoding.UTF8.GetString(checkpoint.SignedBody));
    }

    [Fact]
    public void Verify_EntryBodyOfOwnBundle_PassesAndOtherSignatureFails()
    {
        var bundle = ConformanceMaterial.ParsedBundle(V1Case);
        var entry = bundle.TransparencyLogEntries[0];
        var artifact = SHA256.HashData(ConformanceMaterial.DefaultArtifact());
        var expected = new ExpectedLogContent(bundle.SignatureBytes, bundle.Certificate!.Certificate.RawData, null, artifact, null);

        Assert.True(LogEntryBodyMatcher.Verify(entry, expected).Passed);
        Assert.Equal("TLOG_ENTRY_MISMATCH", LogEntryBodyMatcher.Verify(entry, expected with { Signature = [1, 2, 3] }).ReasonCode);
        Assert.Equal("TLOG_ENTRY_MISMATCH", LogEntryBodyMatcher.Verify(entry, expected with { ArtifactSha256 = new byte[32] }).ReasonCode);
        Assert.Equal("TLOG_ENTRY_MISMATCH", LogEntryBodyMatcher.Verify(entry, expected with { CertificateDer = [0x30] }).ReasonCode);
    }

    [Fact]
    public void Verify_IntegratedTimeAfterNow_Fails()
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(55);

        Assert.True(IntegratedTimeCheck.Verify(now, now).Passed);
        Assert.Equal("INTEGRATED_TIME_IN_FUTURE", IntegratedTimeCheck.Verify(now.AddSeconds(1), now).ReasonCode);
    }

    private static (byte[] Root, List<byte[]> Path) BuildProof(byte[][] leaves, int index)
    {
        var path = new List<byte[]>();
        var root = Subtree(leaves.Select(leaf => MerkleInclusionVerifier.LeafHash(leaf)).ToArray(), index, path);
        return (root, path);
    }

    // RFC 6962 §2.1: split at the largest power of two below n; the path is collected leaf to root.
    private static byte[] Subtree(byte[][] hashes, int index, List<byte[]> path)
    {
        if (hashes.Length == 1)
        {
            return hashes[0];
        }

        var split = 1;
        while (split * 2 < hashes.Length)
        {
            split *= 2;
        }

        var left = hashes[..split];
        var right = hashes[split..];
        byte[] leftRoot;
        byte[] rightRoot;
        if (index >= 0 && index < split)
        {
            leftRoot = Subtree(left, index, path);
            rightRoot = Subtree(right, -1, []);
            path.Add(rightRoot);
        }
        else if (index >= split)
        {
            rightRoot = Subtree(right, index - split, path);
            leftRoot = Subtree(left, -1, []);
            path.Add(leftRoot);
        }
        else
        {
            leftRoot = Subtree(left, -1, []);
            rightRoot = Subtree(right, -1, []);
        }

        return SHA256.HashData([1, .. leftRoot, .. rightRoot]);
    }
}
