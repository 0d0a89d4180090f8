using System.Diagnostics.CodeAnalysis;
using ImageTrust.Model;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Hosting;

/// <summary>
/// What a function project's <c>Program</c> configures: its function class(es) and the services their constructors need.
/// </summary>
internal sealed class FunctionHostBuilder
{
    /// <summary>Pub/Sub's largest message: 10 MB of data and attributes together (read as MiB, the larger reading).</summary>
    public const long PubSubMaxMessageBytes = 10 * 1024 * 1024;

    /// <summary>
    /// The default request body bound: the largest push body Pub/Sub can send. The data goes base64-encoded (4 bytes for every 3,
    /// 13,981,016 for 10 MiB); the attributes (at most 100 keys of 256 and values of 1,024 bytes, counted in the 10 MB) go as JSON
    /// strings, at most 6 bytes per byte when every character is escaped, and are added on top rather than subtracted from the
    /// data; 16 KiB covers the envelope (message id, publish time, an ordering key of at most 1,024 bytes, the subscription
    /// name, the delivery attempt, field names). About 14.1 MiB; anything larger cannot be a Pub/Sub push.
    /// </summary>
    public const long DefaultMaxRequestBodyBytes = (((PubSubMaxMessageBytes + 2) / 3) * 4) + (100 * (256 + 1024) * 6) + (16 * 1024);

    /// <summary>
    /// The default bytes all requests together may buffer (<c>IMAGETRUST_BODY_BUDGET_MIB</c> overrides it): three bodies of the
    /// largest size at once. Ordinary events are a few hundred bytes, so only a burst of near-limit bodies ever waits.
    /// </summary>
    public const long DefaultRequestBodyBudgetBytes = 48L * 1024 * 1024;

    /// <summary>How long a request waits for room in the budget before it is refused with 503 by default.</summary>
    public static TimeSpan DefaultRequestBodyBudgetWait { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest bound that may be configured (a body is one array).</summary>
    private const long MaxConfigurableBodyBytes = 1024L * 1024 * 1024;

    private readonly List<FunctionRegistration> _functions = [];
    private readonly List<Action<FunctionHostContext, IServiceCollection>> _serviceConfigurations = [];
    private long _maxRequestBodyBytes = DefaultMaxRequestBodyBytes;
    private long _requestBodyBudgetBytes = DefaultRequestBodyBudgetBytes;
    private TimeSpan _requestBodyBudgetWait = DefaultRequestBodyBudgetWait;

    /// <summary>Creates a builder; the host creates it.</summary>
    internal FunctionHostBuilder(FunctionHostContext context)
    {
        Context = context;
    }

    /// <summary>The environment and configuration (never null).</summary>
    public FunctionHostContext Context { get; }

    /// <summary>
    /// The largest request body accepted (at most 1 GiB); a bigger one never reaches the function: it is acknowledged (200),
    /// logged and alerted as <c>PAYLOAD_TOO_LARGE</c>, since a redelivery could never succeed.
    /// </summary>
    public long MaxRequestBodyBytes
    {
        get => _maxRequestBodyBytes;
        set => _maxRequestBodyBytes = value is > 0 and <= MaxConfigurableBodyBytes ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive and at most 1 GiB");
    }

    /// <summary>
    /// The bytes all requests together may hold in buffered bodies at once (<c>IMAGETRUST_BODY_BUDGET_MIB</c> overrides it); must
    /// hold one body of <see cref="MaxRequestBodyBytes"/>, which the host checks at start.
    /// </summary>
    public long RequestBodyBudgetBytes
    {
        get => _requestBodyBudgetBytes;
        set => _requestBodyBudgetBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");
    }

    /// <summary>How long a request waits for room in the budget before it is refused with 503 (Pub/Sub delivers it again).</summary>
    public TimeSpan RequestBodyBudgetWait
    {
        get => _requestBodyBudgetWait;
        set => _requestBodyBudgetWait = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must not be negative");
    }

    internal IReadOnlyList<FunctionRegistration> Functions => _functions;

    internal IReadOnlyList<Action<FunctionHostContext, IServiceCollection>> ServiceConfigurations => _serviceConfigurations;

    /// <summary>
    /// Registers a function class (created per request through constructor injection). Register several and the one named by
    /// <c>FUNCTION_TARGET</c> (full or simple type name) is served.
    /// </summary>
    public FunctionHostBuilder AddFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>()
        where TFunction : class, IPubSubFunction
    {
        var type = typeof(TFunction);
        if (_functions.Exists(f => f.FullName == type.FullName))
        {
            throw new InvalidOperationException($"Function {type.FullName} is registered twice.");
        }

        _functions.Add(new FunctionRegistration(type.FullName ?? type.Name, type.Name, static services => services.GetRequiredService<TFunction>()));
        _serviceConfigurations.Add(static (_, services) => services.AddScoped<TFunction>());
        return this;
    }

    /// <summary>Registers services through a startup class.</summary>
    public FunctionHostBuilder UseStartup(IFunctionStartup startup)
    {
        ArgumentNullException.ThrowIfNull(startup);
        _serviceConfigurations.Add(startup.ConfigureServices);
        return this;
    }

    /// <summary>Registers services through a callback; callbacks run in the order added.</summary>
    public FunctionHostBuilder ConfigureServices(Action<FunctionHostContext, IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _serviceConfigurations.Add(configure);
        return this;
    }

    /// <summary>Picks the function to serve.</summary>
    /// <exception cref="ConfigurationException">No function is registered, <paramref name="target"/> names none of them, or
    /// several are registered and no target is given.</exception>
    internal FunctionRegistration SelectFunction(string? target)
    {
        if (_functions.Count == 0)
        {
            throw new ConfigurationException("No function is registered with the host.");
        }

        var known = string.Join(", ", _functions.Select(f => f.FullName));
        if (target is null)
        {
            return _functions.Count == 1
                ? _functions[0]
                : throw new ConfigurationException($"FUNCTION_TARGET is not set and this project has several functions: {known}.");
        }

        return _functions.Find(f => f.Matches(target))
            ?? throw new ConfigurationException($"FUNCTION_TARGET \"{target}\" is not a function of this project (known: {known}).");
    }
}
