using System.Collections.Immutable;
using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.Kms;

/// <summary>A signature Cloud KMS made, checked against its CRC32C and the key version's public key.</summary>
/// <param name="Key">The key version that signed.</param>
/// <param name="Algorithm">The key version's algorithm, e.g. <c>EC_SIGN_P256_SHA256</c>.</param>
/// <param name="Signature">The signature bytes (DER for EC keys).</param>
internal sealed record CloudKmsSignature(CloudKmsKeyName Key, string Algorithm, ImmutableArray<byte> Signature);
