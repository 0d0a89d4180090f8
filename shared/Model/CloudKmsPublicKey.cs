namespace ImageTrust.Model;

/// <summary>A Cloud KMS key version's public key as KMS serves it (<c>GET v1/{name}/publicKey</c>), not yet parsed.</summary>
/// <param name="Key">The key version.</param>
/// <param name="Pem">The PEM-encoded SubjectPublicKeyInfo.</param>
/// <param name="Algorithm">The KMS algorithm name, e.g. <c>EC_SIGN_P256_SHA256</c>.</param>
internal sealed record CloudKmsPublicKey(CloudKmsKeyName Key, string Pem, string Algorithm);
