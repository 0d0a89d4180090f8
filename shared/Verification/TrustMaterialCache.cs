using System.Collections.Concurrent;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing.Trust;

namespace ImageTrust.Verification;

/// <summary>
/// Loads <see cref="TrustedMaterial"/> for a <see cref="TrustMaterialSource"/> once and keeps it: a <c>trusted_root.json</c>
/// when given, else cosign's PEM files, else (null or all-null source) the Sigstore public-good root shipped with the code.
/// </summary>
internal sealed class TrustMaterialCache
{
    private const long MaxFileBytes = 4 * 1024 * 1024;

    private readonly ConcurrentDictionary<TrustMaterialSource, Lazy<TrustedMaterial>> _cache = new();

    /// <summary>The trust material for <paramref name="source"/>.</summary>
    /// <exception cref="ConfigurationException">A file is missing, too large or malformed (the message names it).</exception>
    public TrustedMaterial Get(TrustMaterialSource? source)
    {
        if (source is null || source is { CaRootsPath: null, CaIntermediatesPath: null, RekorPublicKeyPath: null, CtLogPublicKeyPath: null, TrustedRootPath: null })
        {
            return TrustedMaterial.PublicGood;
        }

        var entry = _cache.GetOrAdd(source, key => new Lazy<TrustedMaterial>(() => Load(key)));
        try
        {
            return entry.Value;
        }
        catch (ConfigurationException)
        {
            _cache.TryRemove(new KeyValuePair<TrustMaterialSource, Lazy<TrustedMaterial>>(source, entry));
            throw;
        }
    }

    private static TrustedMaterial Load(TrustMaterialSource source)
    {
        if (source.TrustedRootPath is { } trustedRoot)
        {
            try
            {
                return TrustedRootParser.Parse(ReadFile(trustedRoot));
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"trusted root {trustedRoot}: {e.Message}", e);
            }
        }

        try
        {
            return TrustedMaterialFactory.FromPem(
                ReadText(source.CaRootsPath),
                ReadText(source.CaIntermediatesPath),
                ReadText(source.RekorPublicKeyPath),
                ReadText(source.CtLogPublicKeyPath));
        }
        catch (FormatException e)
        {
            throw new ConfigurationException(
                $"trust material ({string.Join(", ", new[] { source.CaRootsPath, source.CaIntermediatesPath, source.RekorPublicKeyPath, source.CtLogPublicKeyPath }.Where(path => path is not null))}): {e.Message}",
                e);
        }
    }

    private static string? ReadText(string? path) => path is null ? null : System.Text.Encoding.UTF8.GetString(ReadFile(path));

    private static byte[] ReadFile(string path) => OperatorFile.Read(path, MaxFileBytes, $"trust material file {path}");
}
