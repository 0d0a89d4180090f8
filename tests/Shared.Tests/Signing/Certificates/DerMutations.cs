namespace ImageTrust.Shared.Tests.Signing.Certificates;

/// <summary>Random damage to DER bytes for the certificate property tests: one or two byte changes, bit flips, insertions, removals or a cut.</summary>
internal static class DerMutations
{
    /// <summary>A damaged copy of <paramref name="original"/> (possibly equal to it, when a byte is set to its own value).</summary>
    public static byte[] Mutate(Random random, byte[] original, bool allowTruncation = true)
    {
        var der = original.ToList();
        for (var count = random.Next(1, 3); count > 0 && der.Count > 0; count--)
        {
            var at = random.Next(der.Count);
            switch (random.Next(allowTruncation ? 5 : 4))
            {
                case 0:
                    der[at] = (byte)random.Next(256);
                    break;
                case 1:
                    der[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    der.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    der.RemoveAt(at);
                    break;
                default:
                    der.RemoveRange(at, der.Count - at);
                    break;
            }
        }

        return [.. der];
    }
}
