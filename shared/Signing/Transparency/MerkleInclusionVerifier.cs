using System.Security.Cryptography;

namespace ImageTrust.Signing.Transparency;

/// <summary>RFC 6962 / RFC 9162 §2.1.3.2 Merkle audit path verification.</summary>
internal static class MerkleInclusionVerifier
{
    /// <summary>The step name in results.</summary>
    public const string Step = "tlog-inclusion-proof";

    /// <summary>The RFC 6962 leaf hash: SHA-256(0x00 || entry).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0]);
        hash.AppendData(entry);
        return hash.GetHashAndReset();
    }

    /// <summary>Verifies that <paramref name="canonicalizedBody"/> is at <see cref="InclusionProof.LogIndex"/> of the proof's tree.</summary>
    public static CheckResult Verify(ReadOnlySpan<byte> canonicalizedBody, InclusionProof proof)
    {
        if (proof.LogIndex < 0 || proof.TreeSize <= 0 || proof.LogIndex >= proof.TreeSize)
        {
            return CheckResult.Fail(Step, "INCLUSION_PROOF_INVALID", $"index {proof.LogIndex} is outside a tree of size {proof.TreeSize}");
        }

        var computed = RootFromPath(LeafHash(canonicalizedBody), proof.LogIndex, proof.TreeSize, proof.Hashes);
        return computed is not null && CryptographicOperations.FixedTimeEquals(computed, proof.RootHash)
            ? CheckResult.Pass(Step, $"index {proof.LogIndex} in tree of size {proof.TreeSize}")
            : CheckResult.Fail(Step, "INCLUSION_PROOF_INVALID", "the audit path does not lead to the root hash");
    }

    private static byte[]? RootFromPath(byte[] leafHash, long index, long size, IReadOnlyList<byte[]> path)
    {
        var fn = index;
        var sn = size - 1;
        var node = leafHash;
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 1;
        foreach (var sibling in path)
        {
            if (sn == 0 || sibling.Length != 32)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                sibling.CopyTo(buffer[1..]);
                node.CopyTo(buffer[33..]);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                node.CopyTo(buffer[1..]);
                sibling.CopyTo(buffer[33..]);
            }

            node = SHA256.HashData(buffer);
            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? node : null;
    }
}
