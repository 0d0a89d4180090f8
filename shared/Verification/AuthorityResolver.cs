using System.Collections.Concurrent;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing.Keys;

namespace ImageTrust.Verification;

/// <summary>
/// Turns a rule's authorities into <see cref="ResolvedAuthority"/>s: parses PEM keys and fetches Cloud KMS key versions
/// (immutable, so cached for the process's life).
/// </summary>
internal sealed class AuthorityResolver
{
    private readonly CloudKmsPublicKeySource? _kms;
    private readonly ConcurrentDictionary<string, Lazy<Task<PublicKeyVerifier>>> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates the resolver; <paramref name="kms"/> may be null when no rule uses <c>gcpkms://</c> keys.</summary>
    public AuthorityResolver(CloudKmsPublicKeySource? kms = null)
    {
        _kms = kms;
    }

    /// <summary>Resolves every authority of <paramref name="rule"/>.</summary>
    /// <exception cref="ConfigurationException">The rule has no authorities, a key is malformed or unsupported, or a KMS key can't be used.</exception>
    /// <exception cref="TransientFailureException">Cloud KMS is unavailable.</exception>
    public async Task<IReadOnlyList<ResolvedAuthority>> ResolveAsync(PolicyRule rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Authorities.Count == 0)
        {
            throw new ConfigurationException($"policy rule '{rule.Name}' has no authorities");
        }

        var resolved = new ResolvedAuthority[rule.Authorities.Count];
        for (var i = 0; i < resolved.Length; i++)
        {
            var authority = rule.Authorities[i];
            resolved[i] = authority switch
            {
                KeyAuthority key => new ResolvedAuthority(key, await ResolveKeyAsync(rule, key, cancellationToken).ConfigureAwait(false)),
                KeylessAuthority keyless => new ResolvedAuthority(keyless, null),
                _ => throw new ConfigurationException($"policy rule '{rule.Name}' authority '{authority.Name}' has an unsupported type"),
            };
        }

        return resolved;
    }

    private async Task<PublicKeyVerifier> ResolveKeyAsync(PolicyRule rule, KeyAuthority authority, CancellationToken cancellationToken)
    {
        if (authority.PublicKeyPem is { } pem)
        {
            var entry = _keys.GetOrAdd("pem:" + pem, _ => new Lazy<Task<PublicKeyVerifier>>(() => Task.FromResult(ParsePem(rule, authority, pem))));
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

            var entry = _keys.GetOrAdd("kms:" + name, _ => new Lazy<Task<PublicKeyVerifier>>(() => FetchKmsKeyAsync(_kms, name)));
            try
            {
                return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (entry.Value.IsFaulted)
            {
                // A failed fetch (e.g. KMS briefly down) must not stay cached.
                _keys.TryRemove(new KeyValuePair<string, Lazy<Task<PublicKeyVerifier>>>("kms:" + name, entry));
                throw;
            }
        }

        throw new ConfigurationException($"policy rule '{rule.Name}' authority '{authority.Name}' has neither a key nor a KMS key");
    }

    private static async Task<PublicKeyVerifier> FetchKmsKeyAsync(CloudKmsPublicKeySource kms, CloudKmsKeyName name)
        => CloudKmsPublicKeyParser.Parse(await kms.GetPublicKeyAsync(name, CancellationToken.None).ConfigureAwait(false));

    private static PublicKeyVerifier ParsePem(PolicyRule rule, KeyAuthority authority, string pem)
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
