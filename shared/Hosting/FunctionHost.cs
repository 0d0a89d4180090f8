using System.Reflection;
using System.Text.Json;
using ImageTrust.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageTrust.Hosting;

/// <summary>
/// Our Functions Framework host (Kestrel, no MVC, no routing): listens on <c>$PORT</c>, serves the function that
/// <c>FUNCTION_TARGET</c> names for every path, logs Cloud Logging JSON when <c>K_SERVICE</c> is set, and fails fast at start
/// with one line when the configuration is wrong.
/// </summary>
/// <example>
/// <code>
/// public static Task&lt;int&gt; Main(string[] args) =&gt;
///     FunctionHost.RunAsync(args, host =&gt; host
///         .ConfigureServices((context, services) =&gt; services.AddSingleton(...))
///         .AddFunction&lt;PushVerifierFunction&gt;());
/// </code>
/// </example>
internal static class FunctionHost
{
    /// <summary>The exit code for a configuration error found at start.</summary>
    public const int ConfigurationErrorExitCode = 2;

    /// <summary>The exit code when the port cannot be bound.</summary>
    public const int ListenErrorExitCode = 1;

    /// <summary>How long in-flight requests may finish after SIGTERM.</summary>
    public static TimeSpan ShutdownTimeout { get; } = TimeSpan.FromSeconds(9);

    /// <summary>Runs the host on the process environment, logging to stdout, until SIGTERM/SIGINT.</summary>
    /// <returns>0 after a clean shutdown, <see cref="ConfigurationErrorExitCode"/> or <see cref="ListenErrorExitCode"/> at start.</returns>
    public static Task<int> RunAsync(string[] args, Action<FunctionHostBuilder> configure) =>
        RunAsync(args, configure, FunctionHostEnvironment.FromProcess, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs the host until <paramref name="cancellationToken"/> is cancelled or the process is signalled.</summary>
    /// <param name="args">The command line (also readable as configuration).</param>
    /// <param name="configure">Registers the function(s) and services.</param>
    /// <param name="readEnvironment">Reads the environment (e.g. <see cref="FunctionHostEnvironment.FromProcess"/>); its
    /// <see cref="ConfigurationException"/> is reported like any other start-up configuration error.</param>
    /// <param name="output">Where log lines go.</param>
    /// <param name="error">Where the one fatal start-up line goes.</param>
    /// <param name="cancellationToken">Stops the host.</param>
    public static async Task<int> RunAsync(
        string[] args,
        Action<FunctionHostBuilder> configure,
        Func<FunctionHostEnvironment> readEnvironment,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readEnvironment);
        ArgumentNullException.ThrowIfNull(error);
        FunctionHostEnvironment? environment = null;
        WebApplication app;
        try
        {
            environment = readEnvironment();
            app = Build(args, configure, environment, output);
        }
        catch (ConfigurationException ex)
        {
            WriteFatal(error, environment, "configuration error: " + ex.Message);
            return ConfigurationErrorExitCode;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                WriteFatal(error, environment, $"cannot listen on port {environment.Port}: {ex.Message}");
                return ListenErrorExitCode;
            }

            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Builds the host without starting it: registers services, selects the function and resolves it once, so constructor-time
    /// configuration errors surface here.
    /// </summary>
    /// <exception cref="ConfigurationException">The environment or a function's configuration is invalid, or the function cannot be created.</exception>
    public static WebApplication Build(string[] args, Action<FunctionHostBuilder> configure, FunctionHostEnvironment environment, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);

        // The empty builder skips appsettings files, user secrets and default providers: less to do before listening.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
        builder.WebHost.UseKestrelCore();
        builder.Configuration.AddInMemoryCollection(environment.Variables);
        builder.Configuration.AddCommandLine(args);
        ConfigureLogging(builder.Logging, environment, output);

        var hostBuilder = new FunctionHostBuilder(new FunctionHostContext(environment, builder.Configuration));
        configure(hostBuilder);
        var function = hostBuilder.SelectFunction(environment.FunctionTarget);

        var services = builder.Services;
        foreach (var configureServices in hostBuilder.ServiceConfigurations)
        {
            configureServices(hostBuilder.Context, services);
        }

        // Cloud Run allows 10 s between SIGTERM and SIGKILL: drain in-flight deliveries within that.
        services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPermanentFailureAlerter, LoggingPermanentFailureAlerter>();
        if (environment.PushAudience is not null)
        {
            services.TryAddSingleton<IPushTokenValidator>(new GooglePushTokenValidator(environment.PushAudience, environment.PushServiceAccount));
        }

        var maxBody = hostBuilder.MaxRequestBodyBytes;
        var budgetBytes = environment.RequestBodyBudgetBytes ?? hostBuilder.RequestBodyBudgetBytes;
        if (budgetBytes < maxBody)
        {
            throw new ConfigurationException(
                $"the request body budget ({budgetBytes} bytes, IMAGETRUST_BODY_BUDGET_MIB) must hold one body of the largest size ({maxBody} bytes).");
        }

        var budgetWait = hostBuilder.RequestBodyBudgetWait;
        services.AddSingleton(provider => new RequestBodyBudget(budgetBytes, budgetWait, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new FunctionRequestHandler(
            function,
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetService<IPushTokenValidator>(),
            provider.GetRequiredService<ILogger<FunctionRequestHandler>>(),
            maxBody,
            provider.GetRequiredService<RequestBodyBudget>()));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxBody + 1;
            kestrel.Listen(environment.ListenAddress, environment.Port);
        });

        var app = builder.Build();
        ValidateFunction(app.Services, function);
        var handler = app.Services.GetRequiredService<FunctionRequestHandler>();
        app.Run(handler.HandleAsync);
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, FunctionHostEnvironment environment, TextWriter output)
    {
        var minimumLevel = LogLevel.Information;
        var levelText = environment.Get("IMAGETRUST_LOG_LEVEL");
        if (!string.IsNullOrWhiteSpace(levelText) && !Enum.TryParse(levelText, ignoreCase: true, out minimumLevel))
        {
            throw new ConfigurationException($"IMAGETRUST_LOG_LEVEL \"{levelText}\" is not one of Trace, Debug, Information, Warning, Error, Critical, None.");
        }

        var format = environment.CloudRunService is null ? FunctionLogFormat.Text : FunctionLogFormat.CloudLoggingJson;
        logging.ClearProviders();
        logging.SetMinimumLevel(minimumLevel);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", minimumLevel < LogLevel.Information ? minimumLevel : LogLevel.Information);
        logging.AddProvider(new FunctionLogProvider(output, format, environment.ProjectId, TimeProvider.System));
    }

    private static void ValidateFunction(IServiceProvider services, FunctionRegistration function)
    {
        try
        {
            using var scope = services.CreateScope();
            function.Resolve(scope.ServiceProvider);
            scope.ServiceProvider.GetRequiredService<IPermanentFailureAlerter>();
        }
        catch (Exception ex) when (Unwrap(ex) is ConfigurationException configurationError)
        {
            throw configurationError;
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException($"function {function.FullName} cannot be created: {ex.Message}", ex);
        }
    }

    private static Exception Unwrap(Exception ex) => ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;

    private static void WriteFatal(TextWriter error, FunctionHostEnvironment? environment, string message)
    {
        var line = "imagetrust function: " + message.ReplaceLineEndings(" ");
        if (environment?.CloudRunService is not null)
        {
            line = JsonSerializer.Serialize(
                new Dictionary<string, string> { ["severity"] = "CRITICAL", ["message"] = line },
                FunctionHostJsonContext.Default.DictionaryStringString);
        }

        error.WriteLine(line);
        error.Flush();
    }
}
