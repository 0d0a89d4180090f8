using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Hosting;

/// <summary>
/// A function project's startup: registers the services its function's constructor needs. Throw
/// <see cref="Model.ConfigurationException"/> for bad configuration; the host then exits at start with one clear line.
/// </summary>
internal interface IFunctionStartup
{
    /// <summary>Registers services. Registering an <see cref="IPermanentFailureAlerter"/> replaces the logging default.</summary>
    void ConfigureServices(FunctionHostContext context, IServiceCollection services);
}
