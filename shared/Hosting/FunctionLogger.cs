using Microsoft.Extensions.Logging;

namespace ImageTrust.Hosting;

/// <summary>One category's logger; filtering is the logger factory's job, formatting the provider's.</summary>
internal sealed class FunctionLogger : ILogger
{
    private readonly FunctionLogProvider _provider;
    private readonly string _category;

    /// <summary>Creates the logger.</summary>
    public FunctionLogger(FunctionLogProvider provider, string category)
    {
        _provider = provider;
        _category = category;
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _provider.BeginScope(state);

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        _provider.Write(_category, logLevel, state, exception, formatter);
    }
}
