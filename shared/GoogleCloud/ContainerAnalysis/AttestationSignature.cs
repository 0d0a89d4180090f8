using System.Collections.Immutable;

namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>One signature of an attestation occurrence (<c>Signature</c> in containeranalysis.v1).</summary>
/// <param name="PublicKeyId">The attestor's id of the key, e.g. <c>//cloudkms.googleapis.com/v1/projects/…/cryptoKeyVersions/1</c>.</param>
/// <param name="Signature">The signature bytes.</param>
internal sealed record AttestationSignature(string PublicKeyId, ImmutableArray<byte> Signature);
