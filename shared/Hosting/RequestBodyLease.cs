namespace ImageTrust.Hosting;

/// <summary>Bytes reserved from the <see cref="RequestBodyBudget"/> for one request; disposing gives them back (once).</summary>
internal sealed class RequestBodyLease : IDisposable
{
    private readonly RequestBodyBudget _budget;
    private long _bytes;

    internal RequestBodyLease(RequestBodyBudget budget, long bytes)
    {
        _budget = budget;
        _bytes = bytes;
    }

    /// <summary>The bytes reserved now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Reserves <paramref name="bytes"/> more if they are free now (a body without Content-Length growing).</summary>
    /// <returns>False when the budget has no room for them now; the reservation is unchanged.</returns>
    public bool TryGrow(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (Bytes < 0 || !_budget.TryTake(bytes))
        {
            return false;
        }

        Interlocked.Add(ref _bytes, bytes);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var bytes = Interlocked.Exchange(ref _bytes, -1);
        if (bytes > 0)
        {
            _budget.Return(bytes);
        }
    }
}
