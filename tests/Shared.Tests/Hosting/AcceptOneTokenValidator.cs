using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

/// <summary>A push token validator that accepts exactly one token.</summary>
internal sealed class AcceptOneTokenValidator(string validToken) : IPushTokenValidator
{
    public Task<bool> IsValidAsync(string token, CancellationToken cancellationToken = default) =>
        Task.FromResult(string.Equals(token, validToken, StringComparison.Ordinal));
}
