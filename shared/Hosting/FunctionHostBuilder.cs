using System.Diagnostics.CodeAnalysis;
using ImageTrust.Model;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Hosting;

/// <summary>
/// What a function project's <c>Program</c> configures: its function class(es) and the services their constructors need.
/// </summary>
internal sealed class FunctionHostBuilder
{
    /// <summary>
    /// The default request body bound: Pub/Sub's 10 MB message limit as base64 (4/3) plus room for attributes and the envelope.
    /// </summary>
    public const long DefaultMaxRequestBodyBytes = 14 * 1024 * 1024;

    private readonly List<FunctionRegistration> _functions = [];
    private readonly List<Action<FunctionHostContext, IServiceCollection>> _serviceConfigurations = [];
    private long _maxRequestBodyBytes = DefaultMaxRequestBodyBytes;

    /// <summary>Creates a builder; the host creates it.</summary>
    internal FunctionHostBuilder(FunctionHostContext context)
    {
        Context = context;
    }

    /// <summary>The environment and configuration (never null).</summary>
    public FunctionHostContext Context { get; }

    /// <summary>The largest request body accepted; bigger ones get 413 and never reach the function.</summary>
    public long MaxRequestBodyBytes
    {
        get => _maxRequestBodyBytes;
        set => _maxRequestBodyBytes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive");
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
