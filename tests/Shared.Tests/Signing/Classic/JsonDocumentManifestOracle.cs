using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Signing.Classic;

namespace ImageTrust.Shared.Tests.Signing.Classic;

/// <summary>
/// The oracle of a differential test: the signature-manifest reading with <see cref="JsonDocument"/>, which production keeps
/// as <see cref="SignatureManifestDocumentReader"/> (it defines what the single-pass reader must accept, reject and report),
/// described as text so the two readers' answers can be compared.
/// </summary>
internal static class JsonDocumentManifestOracle
{
    /// <summary>The layers as text (index, digest, size, annotations), or the FormatException's message prefixed "error:".</summary>
    public static string Describe(ReadOnlyMemory<byte> content)
    {
        try
        {
            return Describe(SignatureManifestDocumentReader.Parse(content, CosignMediaTypes.SimpleSigning));
        }
        catch (FormatException e)
        {
            return "error:" + e.Message;
        }
    }

    /// <summary>The same description of <see cref="SignatureManifest"/>'s result.</summary>
    public static string Describe(SignatureManifest manifest)
    {
        var lines = new List<string> { $"ignored={manifest.IgnoredLayers}" };
        foreach (var layer in manifest.Layers)
        {
            lines.Add(Line(layer.Index, layer.PayloadDigest, layer.PayloadSize, layer.Signature?.ToString(), layer.Certificate?.ToString(), layer.Chain?.ToString(), layer.Bundle?.ToString(), layer.Rfc3161Timestamp?.ToString()));
        }

        return string.Join("\n", lines);
    }

    private static string Line(int index, Digest digest, long size, string? signature, string? certificate, string? chain, string? bundle, string? timestamp) =>
        $"{index}|{digest}|{size}|{signature ?? "<null>"}|{certificate ?? "<null>"}|{chain ?? "<null>"}|{bundle ?? "<null>"}|{timestamp ?? "<null>"}";
}
