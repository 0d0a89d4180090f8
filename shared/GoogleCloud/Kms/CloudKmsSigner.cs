using ImageTrust.Model;

namespace ImageTrust.GoogleCloud.Kms;

/// <summary>Signs with a Cloud KMS asymmetric signing key version (the REST adapter in production, a loopback stand-in in tests).</summary>
internal abstract class CloudKmsSigner
{
    /// <summary>Signs the digest of <paramref name="data"/>, with the digest algorithm the key version's algorithm names.</summary>
    /// <exception cref="ConfigurationException">The key version does not exist, access is denied, or its algorithm is not supported.</exception>
    /// <exception cref="GoogleApiException">Cloud KMS refused the call.</exception>
    /// <exception cref="TransientFailureException">Cloud KMS is unavailable, or its answer failed an integrity check: retry.</exception>
    public abstract Task<CloudKmsSignature> SignAsync(CloudKmsKeyName key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
}
