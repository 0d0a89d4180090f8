using System.Collections;
using System.Globalization;
using System.Net;
using ImageTrust.Model;

namespace ImageTrust.Hosting;

/// <summary>
/// The environment the host runs in, read once at start (the Functions Framework contract plus our own settings).
/// Every variable also reaches the functions through <see cref="FunctionHostContext.Configuration"/>.
/// </summary>
internal sealed record FunctionHostEnvironment
{
    /// <summary>The port when <c>PORT</c> is unset.</summary>
    public const int DefaultPort = 8080;

    private FunctionHostEnvironment(IReadOnlyDictionary<string, string?> variables, bool inContainer)
    {
        Variables = variables;
        Port = ParsePort(Get("PORT"));
        FunctionTarget = NullIfEmpty(Get("FUNCTION_TARGET"));
        CloudRunService = NullIfEmpty(Get("K_SERVICE"));
        ProjectId = NullIfEmpty(Get("GOOGLE_CLOUD_PROJECT")) ?? NullIfEmpty(Get("GCP_PROJECT"));
        PushAudience = NullIfEmpty(Get("IMAGETRUST_PUSH_AUDIENCE"));
        PushServiceAccount = NullIfEmpty(Get("IMAGETRUST_PUSH_SERVICE_ACCOUNT"));
        BindAllInterfaces = inContainer
            || CloudRunService is not null
            || string.Equals(Get("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);
        var listenAddress = NullIfEmpty(Get("IMAGETRUST_LISTEN_ADDRESS"));
        if (listenAddress is not null)
        {
            ListenAddress = IPAddress.TryParse(listenAddress, out var address)
                ? address
                : throw new ConfigurationException($"IMAGETRUST_LISTEN_ADDRESS \"{listenAddress}\" is not an IP address.");
        }
        else
        {
            ListenAddress = BindAllInterfaces ? IPAddress.IPv6Any : IPAddress.Loopback;
        }

        RequestBodyBudgetBytes = ParseMebibytes("IMAGETRUST_BODY_BUDGET_MIB", Get("IMAGETRUST_BODY_BUDGET_MIB"));

        if (PushServiceAccount is not null && PushAudience is null)
        {
            throw new ConfigurationException("IMAGETRUST_PUSH_SERVICE_ACCOUNT is set but IMAGETRUST_PUSH_AUDIENCE is not; push token verification needs the audience.");
        }
    }

    /// <summary>All variables (never null).</summary>
    public IReadOnlyDictionary<string, string?> Variables { get; }

    /// <summary><c>PORT</c>, default 8080.</summary>
    public int Port { get; }

    /// <summary>True in a container (<c>K_SERVICE</c>, <c>/.dockerenv</c> or <c>DOTNET_RUNNING_IN_CONTAINER=true</c>): listen on all interfaces, else on loopback.</summary>
    public bool BindAllInterfaces { get; }

    /// <summary>
    /// The address to listen on: <c>IMAGETRUST_LISTEN_ADDRESS</c> when set (local tools pin 127.0.0.1), else all interfaces
    /// (IPv6 any, dual-stack) in a container and loopback outside one.
    /// </summary>
    public IPAddress ListenAddress { get; }

    /// <summary><c>FUNCTION_TARGET</c>: the function to serve; null when unset.</summary>
    public string? FunctionTarget { get; }

    /// <summary><c>K_SERVICE</c>: the Cloud Run service; when set, logs are Cloud Logging JSON lines. Null when unset.</summary>
    public string? CloudRunService { get; }

    /// <summary><c>GOOGLE_CLOUD_PROJECT</c> (or <c>GCP_PROJECT</c>), used to qualify trace IDs; null when unset.</summary>
    public string? ProjectId { get; }

    /// <summary><c>IMAGETRUST_PUSH_AUDIENCE</c>: when set, every request must carry a Google-signed OIDC token for this audience.</summary>
    public string? PushAudience { get; }

    /// <summary><c>IMAGETRUST_PUSH_SERVICE_ACCOUNT</c>: when set, the token's verified email must be this service account.</summary>
    public string? PushServiceAccount { get; }

    /// <summary>
    /// <c>IMAGETRUST_BODY_BUDGET_MIB</c> in bytes: what all requests together may hold in buffered bodies at once; null when
    /// unset (the function's default applies).
    /// </summary>
    public long? RequestBodyBudgetBytes { get; }

    /// <summary>Reads the process environment.</summary>
    /// <exception cref="ConfigurationException">A contract variable is malformed.</exception>
    public static FunctionHostEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }

        return new FunctionHostEnvironment(variables, File.Exists("/.dockerenv"));
    }

    /// <summary>Builds an environment from explicit variables (tests, tools).</summary>
    /// <exception cref="ConfigurationException">A contract variable is malformed.</exception>
    public static FunctionHostEnvironment FromVariables(IReadOnlyDictionary<string, string?> variables, bool inContainer = false)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new FunctionHostEnvironment(new Dictionary<string, string?>(variables, StringComparer.Ordinal), inContainer);
    }

    /// <summary>The variable's value; null when unset.</summary>
    public string? Get(string name) => Variables.TryGetValue(name, out var value) ? value : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static long? ParseMebibytes(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mebibytes) || mebibytes is < 1 or > 64 * 1024)
        {
            throw new ConfigurationException($"{name} \"{value}\" is not a whole number of MiB (1-65536).");
        }

        return mebibytes * 1024L * 1024;
    }

    private static int ParsePort(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultPort;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ConfigurationException($"PORT \"{value}\" is not a TCP port (1-65535).");
        }

        return port;
    }
}
