using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ImageTrust.Signing.Certificates;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Benchmarks;

/// <summary>
/// Classic cosign verification on pre-fetched material: parse the <c>.sig</c> manifest, then verify its layer against the
/// rule (signature, claims, Rekor SET and entry body; keyless adds the chain at the log time, EKU and identity).
/// The baseline is one bare ECDSA P-256 verify of the same payload. The keyless fixture's openssl-made leaf has no SCT, so
/// the SCT check (cosign's default for keyless) is measured on its own, on a real Fulcio leaf.
/// </summary>
[MemoryDiagnoser]
public class ClassicVerificationBenchmarks
{
    private BenchmarkMaterial _material = null!;
    private SignedEntityVerifier _verifier = null!;
    private ECDsa _key = null!;
    private IReadOnlyList<Signer> _keyAuthorities = null!;
    private IReadOnlyList<Signer> _keyAuthoritiesWithoutTlog = null!;
    private IReadOnlyList<Signer> _keylessAuthorities = null!;
    private ClassicExpectations _keyExpectations = null!;
    private ClassicExpectations _keyExpectationsWithoutTlog = null!;
    private ClassicExpectations _keylessExpectations = null!;
    private ParsedCertificate _fulcioLeaf = null!;
    private IReadOnlyList<Signer> _bundleAuthorities = null!;
    private ParsedCertificate _fulcioIssuer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _material = new BenchmarkMaterial();
        _verifier = new SignedEntityVerifier(TimeProvider.System);
        _key = ECDsa.Create();
        _key.ImportSubjectPublicKeyInfo(_material.Signer.ExportSubjectPublicKeyInfo(), out _);
        _keyAuthorities = BenchmarkMaterial.Resolve(_material.KeyRule);
        _keyAuthoritiesWithoutTlog = BenchmarkMaterial.Resolve(_material.KeyRuleWithoutTlog);
        _keylessAuthorities = BenchmarkMaterial.Resolve(_material.KeylessRule);
        _keyExpectations = new ClassicExpectations(_material.KeyImageDigest, true, true);
        _keyExpectationsWithoutTlog = new ClassicExpectations(_material.KeyImageDigest, false, true);
        _keylessExpectations = new ClassicExpectations(_material.KeylessImageDigest, true, false);

        _bundleAuthorities = BenchmarkMaterial.Resolve(_material.BundleRule);
        _fulcioLeaf = ParsedCertificate.Load(_material.FulcioLeaf);
        _fulcioIssuer = CertificateChainVerifier.Verify(_fulcioLeaf, [], TrustedMaterial.PublicGood.CertificateAuthorities, _material.FulcioLeafIntegratedTime).Issuer
            ?? throw new InvalidOperationException("the public-good Fulcio leaf does not chain");

        // Fail fast: a benchmark of a failing verification would measure the wrong thing.
        Require(KeyBasedWithTlog(), "key-based with tlog");
        Require(KeyBasedWithoutTlog(), "key-based without tlog");
        Require(Keyless(), "keyless");
        Require(EmbeddedSct(), "embedded SCT");
        Require(BundleKeyless(), "bundle keyless");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _material.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bare ECDSA P-256 verify")]
    public bool EcdsaP256Verify()
        => _key.VerifyData(_material.KeyPayload, _material.KeySignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark(Description = "classic key-based + Rekor SET")]
    public bool KeyBasedWithTlog()
        => _verifier.VerifySignatureLayer(SignatureManifest.Parse(_material.KeyManifest).Layers[0], _material.KeyPayload, _keyAuthorities, _keyExpectations).Verification.Verified;

    [Benchmark(Description = "classic key-based, tlog ignored")]
    public bool KeyBasedWithoutTlog()
        => _verifier.VerifySignatureLayer(SignatureManifest.Parse(_material.KeyManifestWithoutTlog).Layers[0], _material.KeyPayload, _keyAuthoritiesWithoutTlog, _keyExpectationsWithoutTlog).Verification.Verified;

    [Benchmark(Description = "classic keyless + Rekor SET")]
    public bool Keyless()
        => _verifier.VerifySignatureLayer(SignatureManifest.Parse(_material.KeylessManifest).Layers[0], _material.KeylessPayload, _keylessAuthorities, _keylessExpectations).Verification.Verified;

    [Benchmark(Description = "keyless step: embedded SCT (public-good Fulcio leaf)")]
    public bool EmbeddedSct()
        => SignedCertificateTimestampVerifier.Verify(_fulcioLeaf, _fulcioIssuer, TrustedMaterial.PublicGood.CertificateTransparencyLogs).Passed;

    [Benchmark(Description = "cosign v3 bundle, keyless (DSSE, SCT, SET + inclusion proof)")]
    public bool BundleKeyless()
        => _verifier.VerifyBundle(_material.BundleJson, _material.BundleImageDigest, _bundleAuthorities, requireTlog: true, requireSct: true, StatementPolicy.ImageSignature).Verification.Verified;

    private static void Require(bool verified, string what)
    {
        if (!verified)
        {
            throw new InvalidOperationException($"benchmark material for {what} does not verify");
        }
    }
}
