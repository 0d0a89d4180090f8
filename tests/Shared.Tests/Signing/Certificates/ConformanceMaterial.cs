using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ImageTrust.Signing.Certificates;

namespace ImageTrust.Shared.Tests.Signing.Certificates;

/// <summary>Reads material out of the sigstore-conformance vectors copied into the test output.</summary>
internal static class ConformanceMaterial
{
    public static string CasePath(string caseName, string file) =>
        Path.Combine(AppContext.BaseDirectory, "Conformance", "vectors", "sigstore-bundle-verify", caseName, file);

    public static JsonElement Bundle(string caseName)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(CasePath(caseName, "bundle.sigstore.json")));
        return document.RootElement.Clone();
    }

    public static ParsedCertificate Leaf(string caseName)
    {
        var raw = Bundle(caseName).GetProperty("verificationMaterial").GetProperty("certificate").GetProperty("rawBytes").GetString()!;
        return ParsedCertificate.From(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(raw)));
    }

    public static ImageTrust.Signing.Bundles.SigstoreBundle ParsedBundle(string caseName) =>
        ImageTrust.Signing.Bundles.SigstoreBundleParser.Parse(File.ReadAllBytes(CasePath(caseName, "bundle.sigstore.json")));

    public static ImageTrust.Signing.Trust.TrustedMaterial TrustedRoot(string caseName) =>
        ImageTrust.Signing.Trust.TrustedRootParser.Parse(File.ReadAllBytes(CasePath(caseName, "trusted_root.json")));

    public static byte[] DefaultArtifact() =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Conformance", "vectors", "sigstore-bundle-verify", "a.txt"));

    public static DateTimeOffset IntegratedTime(string caseName) =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(
            Bundle(caseName).GetProperty("verificationMaterial").GetProperty("tlogEntries")[0].GetProperty("integratedTime").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture));
}
