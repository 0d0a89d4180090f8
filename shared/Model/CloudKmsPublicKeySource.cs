namespace ImageTrust.Model;

/// <summary>
/// Fetches the public key of a Cloud KMS key version (the Cloud KMS adapter in production, a stand-in in tests). Key versions
/// are immutable, so callers may cache what it returns.
/// </summary>
internal abstract class CloudKmsPublicKeySource
{
    /// <summary>The public key of <paramref name="key"/>.</summary>
    /// <exception cref="ConfigurationException">The key version does not exist, access is denied, or the answer is unusable.</exception>
    /// <exception cref="TransientFailureException">Cloud KMS is unreachable or kept answering 429/5xx.</exception>
    public abstract Task<CloudKmsPublicKey> GetPublicKeyAsync(CloudKmsKeyName key, CancellationToken cancellationToken = default);
}
