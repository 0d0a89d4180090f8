using Microsoft.Extensions.Configuration;

namespace ImageTrust.Hosting;

/// <summary>What a function's startup sees while registering its services.</summary>
/// <param name="Environment">The parsed host environment.</param>
/// <param name="Configuration">The configuration: every environment variable by name (e.g. <c>IMAGETRUST_POLICY</c>) and the command line.</param>
internal sealed record FunctionHostContext(FunctionHostEnvironment Environment, IConfiguration Configuration);
