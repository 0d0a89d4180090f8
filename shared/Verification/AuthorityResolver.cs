using System.Collections.Concurrent;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing.Keys;
using ImageTrust.Signing.Trust;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>
/// Turns a rule's authorities into the <see cref="Signer"/>s the signing steps take: parses PEM keys, fetches Cloud KMS key
/// versions (immutable, so cached for the process's life), builds identity matchers, and points each at its trust material
/// (loaded and cached by <see cref="TrustMaterialCache"/> when a proof is first checked).
/// </summary>
internal sealed class AuthorityResolver
{
    private readonly CloudKmsPublicKeySource? _kms;
    private readonly TrustMaterialCache _trust;
    private readonly ConcurrentDictionary<string, Lazy<Task<VerificationKey>>> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates the resolver.</summary>
    /// <param name="kms">The Cloud KMS public keys; null when no rule uses <c>gcpkms://</c> keys.</param>
    /// <param name="trust">The trust material cache; null for a new one.</param>
    public AuthorityResolver(CloudKmsPublicKeySource? kms = null, TrustMaterialCache? trust = null)
    {
        _kms = kms;
        _trust = trust ?? new TrustMaterialCache();
    }

    /// <summary>Resolves every authority of <paramref name="rule"/> into a signer.</summary>
    /// <exception cref="ConfigurationException">The rule has no authorities, a key is malformed or unsupported, or a KMS key can't be used.</exception>
    /// <exception cref="TransientFailureException">Cloud KMS is unavailable.</exception>
    public async Task<IReadOnlyList<Signer>> ResolveAsync(PolicyRule rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Authorities.Count == 0)
        {
            throw new ConfigurationException($"policy rule '{rule.Name}' has no authorities");
        }

        var resolved = new Signer[rule.Authorities.Count];
        for (var i = 0; i < resolved.Length; i++)
        {
            var authority = rule.Authorities[i];
            resolved[i] = authority switch
            {
                KeyAuthority key => new KeySigner(key.Name, await ResolveKeyAsync(rule, key, cancellationToken).ConfigureAwait(false), TrustOf(key.Trust)),
                KeylessAuthority keyless => new IdentitySigner(keyless.Name, new CertificateIdentity(keyless.Identity, keyless.Issuer), TrustOf(keyless.Trust)),
                _ => throw new ConfigurationException($"policy rule '{rule.Name}' authority '{authority.Name}' has an unsupported type"),
            };
        }

        return resolved;
    }

    private Func<TrustedMaterial> TrustOf(TrustMaterialSource? source) => () => _trust.Get(source);

    private async Task<VerificationKey> ResolveKeyAsync(PolicyRule rule, KeyAuthority authority, CancellationToken cancellationToken)
    {
        if (authority.PublicKeyPem is { } pem)
        {
            var entry = _keys.GetOrAdd("pem:" + pem, _ => new Lazy<Task<VerificationKey>>(() => Task.FromResult(ParsePem(rule, authority, pem))));
            return await entry.Value.ConfigureAwait(false);
        }

        if (authority.KmsKeyUri is { } uri)
        {
            if (_kms is null)
            {
                throw new ConfigurationException($"policy rule '{rule.Name}' authority '{authority.Name}' uses {uri}, but no Cloud KMS client is configured");
            }

            CloudKmsKeyName name;
            try
            {
                name = CloudKmsKeyName.Parse(uri);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"policy rule '{rule.Name}' authority '{authority.Name}': {e.Message}", e);
            }

            var entry = _keys.GetOrAdd("kms:" + name, _ => new Lazy<Task<VerificationKey>>(() => FetchKmsKeyAsync(_kms, name)));
            try
            {
                return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (entry.Value.IsFaulted)
            {
                // A failed fetch (e.g. KMS briefly down) must not stay cached.
                _keys.TryRemove(new KeyValuePair<string, Lazy<Task<VerificationKey>>>("kms:" + name, entry));
                throw;
            }
        }

        throw new ConfigurationException($"policy rule '{rule.Name}' authority '{authority.Name}' has neither a key nor a KMS key");
    }

    private static async Task<VerificationKey> FetchKmsKeyAsync(CloudKmsPublicKeySource kms, CloudKmsKeyName name)
        => CloudKmsPublicKeyParser.Parse(await kms.GetPublicKeyAsync(name, CancellationToken.None).ConfigureAwait(false));

    private static VerificationKey ParsePem(PolicyRule rule, KeyAuthority authority, string pem)
    {
        try
        {
            return PublicKeyParser.ParsePem(pem);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"policy rule '{rule.Name}' authority '{authority.Name}': {e.Message}", e);
        }
    }
}
