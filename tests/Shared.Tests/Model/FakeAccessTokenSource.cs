using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

/// <summary>An access token source that returns a fixed token and counts how often it was asked.</summary>
internal sealed class FakeAccessTokenSource : AccessTokenSource
{
    private readonly string _token;
    private int _calls;

    public FakeAccessTokenSource(string token)
    {
        _token = token;
    }

    public int Calls => Volatile.Read(ref _calls);

    public override Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(_token);
    }
}
