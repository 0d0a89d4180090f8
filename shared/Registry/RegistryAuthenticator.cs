using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Registry;

/// <summary>
/// Chooses the <c>Authorization</c> header for a registry request and answers 401 challenges. It remembers each registry's
/// challenge (so later scopes get a token without another 401) and caches Bearer tokens per registry and scope until they expire.
/// As docker does, the registry's credentials go to its token realm even on another host, but only over HTTPS (plain HTTP
/// only from a plain-HTTP registry to a plain-HTTP host), and only ever for <c>pull</c>: a challenge asking for more is cut down.
/// </summary>
internal sealed class RegistryAuthenticator
{
    private const long MaxTokenResponseBytes = 1024 * 1024;
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(10);

    private readonly RegistryCredentialSource _credentials;
    private readonly RegistryRequestSender _sender;
    private readonly RegistryClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, AuthenticationChallenge> _challenges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Registry, string Scope), CachedToken> _tokens = new();

    /// <summary>Creates the authenticator.</summary>
    public RegistryAuthenticator(RegistryCredentialSource credentials, RegistryRequestSender sender, RegistryClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _credentials = credentials;
        _sender = sender;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// The header to send before any challenge is seen in this request: a cached token, a token fetched for a registry known to use
    /// Bearer, Basic for a registry known to use Basic, a Google access token, or null (anonymous).
    /// </summary>
    public async Task<AuthenticationHeaderValue?> GetAuthorizationAsync(RegistryOperation operation, string scope)
    {
        if (_tokens.TryGetValue((operation.Registry, scope), out var cached) && cached.ExpiresAt > _timeProvider.GetUtcNow())
        {
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        }

        if (_challenges.TryGetValue(operation.Registry, out var challenge))
        {
            if (challenge.IsBearer)
            {
                return await FetchTokenAsync(operation, challenge, scope, scope).ConfigureAwait(false);
            }

            var basic = await _credentials.GetCredentialAsync(operation.Registry, operation.Token).ConfigureAwait(false);
            return basic?.ToBasic();
        }

        var credential = await _credentials.GetCredentialAsync(operation.Registry, operation.Token).ConfigureAwait(false);
        return credential is { SendAsBearer: true } ? new AuthenticationHeaderValue("Bearer", credential.Secret) : null;
    }

    /// <summary>Answers a 401: remembers the challenge and returns a new header to retry with, once.</summary>
    /// <exception cref="RegistryProtocolException"><c>UNAUTHORIZED</c> when no credential can answer the challenge.</exception>
    public async Task<AuthenticationHeaderValue> ReauthenticateAsync(
        RegistryOperation operation, string scope, IReadOnlyList<string> challengeHeaders, AuthenticationHeaderValue? rejected, string what)
    {
        var challenges = challengeHeaders.SelectMany(AuthenticationChallenge.ParseAll).ToList();
        var bearer = challenges.FirstOrDefault(c => c.IsBearer && !string.IsNullOrEmpty(c.Realm));
        if (bearer is not null)
        {
            _challenges[operation.Registry] = bearer;
            _tokens.TryRemove((operation.Registry, scope), out _);
            return await FetchTokenAsync(operation, bearer, PullOnly(bearer.Scope, scope), scope).ConfigureAwait(false);
        }

        var basic = challenges.FirstOrDefault(c => c.IsBasic);
        if (basic is not null)
        {
            _challenges[operation.Registry] = basic;
            var credential = await _credentials.GetCredentialAsync(operation.Registry, operation.Token).ConfigureAwait(false)
                ?? throw new RegistryProtocolException("UNAUTHORIZED", $"registry {operation.Registry} requires credentials for {what} and none are configured for it");
            var header = credential.ToBasic();
            if (rejected is not null && string.Equals(rejected.Scheme, header.Scheme, StringComparison.OrdinalIgnoreCase) && rejected.Parameter == header.Parameter)
            {
                throw new RegistryProtocolException("UNAUTHORIZED", $"registry {operation.Registry} refused the credentials of user {credential.Username} for {what}");
            }

            return header;
        }

        throw new RegistryProtocolException("UNAUTHORIZED", $"registry {operation.Registry} answered 401 for {what} without a Bearer or Basic challenge");
    }

    /// <summary>Names the credential used for the registry, for error messages: <c>the credentials of user …</c> or anonymous.</summary>
    public async Task<string> DescribeCredentialAsync(RegistryOperation operation)
    {
        var credential = await _credentials.GetCredentialAsync(operation.Registry, operation.Token).ConfigureAwait(false);
        return Describe(credential);
    }

    /// <summary>
    /// The scopes to ask the token service for: those of the challenge (<c>type:name:actions</c>, space-separated), each cut down
    /// to <c>repository:NAME:pull</c> and dropped when it grants no pull or names another resource type; <paramref name="ownScope"/>
    /// when none is left. A verifier only reads, so a challenge asking for <c>push</c> or <c>delete</c> never widens the token.
    /// </summary>
    internal static string PullOnly(string? challengeScope, string ownScope)
    {
        var kept = new List<string>();
        foreach (var scope in (challengeScope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first <= 0 || last <= first + 1 || !string.Equals(scope[..first], "repository", StringComparison.Ordinal))
            {
                continue;
            }

            var actions = scope[(last + 1)..].Split(',', StringSplitOptions.TrimEntries);
            if (actions.Contains("pull", StringComparer.Ordinal) || actions.Contains("*", StringComparer.Ordinal))
            {
                var pull = $"repository:{scope[(first + 1)..last]}:pull";
                if (!kept.Contains(pull, StringComparer.Ordinal))
                {
                    kept.Add(pull);
                }
            }
        }

        return kept.Count == 0 ? ownScope : string.Join(' ', kept);
    }

    private static string Describe(RegistryCredential? credential)
        => credential is null ? "anonymous access (no credentials configured)" : $"the credentials of user {credential.Username}";

    private async Task<AuthenticationHeaderValue> FetchTokenAsync(RegistryOperation operation, AuthenticationChallenge challenge, string requestedScope, string cacheScope)
    {
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            throw new RegistryProtocolException("BAD_CHALLENGE", $"registry {operation.Registry} sent a token realm that is not an http(s) URL");
        }

        if (realm.Scheme == Uri.UriSchemeHttp && !_options.IsPlainHttp(operation.Registry))
        {
            throw new RegistryProtocolException("INSECURE_TOKEN_REALM", $"HTTPS registry {operation.Registry} sent a plain-HTTP token realm {realm.GetLeftPart(UriPartial.Authority)}; credentials and tokens never leave HTTPS");
        }

        if (realm.Scheme == Uri.UriSchemeHttp && !_options.IsPlainHttp(realm.Authority))
        {
            throw new RegistryProtocolException("INSECURE_TOKEN_REALM", $"registry {operation.Registry} sent a plain-HTTP token realm {realm.GetLeftPart(UriPartial.Authority)}; allow that host as a plain-HTTP registry to use it");
        }

        var query = new List<string>();
        if (!string.IsNullOrEmpty(challenge.Service))
        {
            query.Add("service=" + Uri.EscapeDataString(challenge.Service));
        }

        foreach (var scope in requestedScope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            query.Add("scope=" + Uri.EscapeDataString(scope));
        }

        var separator = string.IsNullOrEmpty(realm.Query) ? "?" : "&";
        var tokenUri = new Uri(realm.AbsoluteUri + (query.Count == 0 ? string.Empty : separator + string.Join('&', query)));
        var credential = await _credentials.GetCredentialAsync(operation.Registry, operation.Token).ConfigureAwait(false);
        _logger.LogDebug(
            "Registry {Registry}: asking token realm host {RealmHost} for scope {Scope} with {Credential}",
            operation.Registry,
            realm.Authority,
            requestedScope,
            credential is null ? "no credentials" : "its credentials");
        var what = $"token from {realm.GetLeftPart(UriPartial.Path)}";
        var response = await _sender.SendAsync(
            operation,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
                request.Headers.Authorization = credential?.ToBasic();
                return request;
            },
            MaxTokenResponseBytes,
            what).ConfigureAwait(false);

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RegistryProtocolException("UNAUTHORIZED", $"token service of registry {operation.Registry} refused {Describe(credential)} for scope {requestedScope} (HTTP {(int)response.StatusCode})");
        }

        if (!response.IsSuccess)
        {
            throw new RegistryProtocolException("UNEXPECTED_STATUS", $"token service of registry {operation.Registry} answered HTTP {(int)response.StatusCode}");
        }

        var (token, lifetime) = ParseTokenResponse(response.Body, operation.Registry);
        var skew = lifetime > ExpirySkew * 2 ? ExpirySkew : TimeSpan.Zero;
        _tokens[(operation.Registry, cacheScope)] = new CachedToken(token, _timeProvider.GetUtcNow() + lifetime - skew);
        return new AuthenticationHeaderValue("Bearer", token);
    }

    private static (string Token, TimeSpan Lifetime) ParseTokenResponse(byte[] body, string registry)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            string? token = null;
            var lifetime = DefaultTokenLifetime;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("token", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    token = value.GetString();
                }

                if (string.IsNullOrEmpty(token) && root.TryGetProperty("access_token", out value) && value.ValueKind == JsonValueKind.String)
                {
                    token = value.GetString();
                }

                if (root.TryGetProperty("expires_in", out value) && value.ValueKind == JsonValueKind.Number
                    && value.TryGetInt64(out var seconds) && seconds > 0)
                {
                    lifetime = TimeSpan.FromSeconds(Math.Min(seconds, 24 * 3600));
                }
            }

            if (string.IsNullOrEmpty(token) || token.Any(char.IsControl) || token.Contains(' ', StringComparison.Ordinal))
            {
                throw new RegistryProtocolException("BAD_TOKEN_RESPONSE", $"token service of registry {registry} returned no usable token");
            }

            return (token, lifetime);
        }
        catch (JsonException exception)
        {
            throw new RegistryProtocolException("BAD_TOKEN_RESPONSE", $"token service of registry {registry} returned malformed JSON", exception);
        }
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);
}
