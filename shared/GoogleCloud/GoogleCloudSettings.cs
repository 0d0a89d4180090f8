using System.Collections;
using ImageTrust.Model;

namespace ImageTrust.GoogleCloud;

/// <summary>
/// The validated Google Cloud configuration shared by the Pub/Sub, Firestore and Container Analysis adapters.
/// Built once at start from the environment; immutable afterwards.
/// </summary>
internal sealed record GoogleCloudSettings
{
    /// <summary>The project id variable.</summary>
    public const string ProjectVariable = "GOOGLE_CLOUD_PROJECT";

    /// <summary>The Pub/Sub emulator variable (<c>host:port</c>).</summary>
    public const string PubSubEmulatorVariable = "PUBSUB_EMULATOR_HOST";

    /// <summary>The Firestore emulator variable (<c>host:port</c>).</summary>
    public const string FirestoreEmulatorVariable = "FIRESTORE_EMULATOR_HOST";

    /// <summary>The Firestore database id variable (default <c>(default)</c>).</summary>
    public const string FirestoreDatabaseVariable = "IMAGETRUST_FIRESTORE_DATABASE";

    /// <summary>The Container Analysis base URL override variable.</summary>
    public const string ContainerAnalysisEndpointVariable = "IMAGETRUST_CONTAINERANALYSIS_ENDPOINT";

    /// <summary>The Cloud KMS base URL override variable (a local stand-in gets no Google credentials).</summary>
    public const string KmsEndpointVariable = "IMAGETRUST_KMS_ENDPOINT";

    /// <summary>The Firestore database id used when none is configured.</summary>
    public const string DefaultFirestoreDatabase = "(default)";

    private GoogleCloudSettings(string projectId, GoogleServiceEndpoint pubSub, GoogleServiceEndpoint firestore, string firestoreDatabase, GoogleServiceEndpoint containerAnalysis, GoogleServiceEndpoint kms)
    {
        Kms = kms;
        ProjectId = projectId;
        PubSub = pubSub;
        Firestore = firestore;
        FirestoreDatabase = firestoreDatabase;
        ContainerAnalysis = containerAnalysis;
    }

    /// <summary>The Google Cloud project id.</summary>
    public string ProjectId { get; }

    /// <summary>The Pub/Sub endpoint (the emulator when <c>PUBSUB_EMULATOR_HOST</c> is set).</summary>
    public GoogleServiceEndpoint PubSub { get; }

    /// <summary>The Firestore endpoint (the emulator when <c>FIRESTORE_EMULATOR_HOST</c> is set).</summary>
    public GoogleServiceEndpoint Firestore { get; }

    /// <summary>The Firestore database id.</summary>
    public string FirestoreDatabase { get; }

    /// <summary>The Container Analysis endpoint (the override when <c>IMAGETRUST_CONTAINERANALYSIS_ENDPOINT</c> is set).</summary>
    public GoogleServiceEndpoint ContainerAnalysis { get; }

    /// <summary>The Cloud KMS endpoint for <c>gcpkms://</c> policy keys (the override when <c>IMAGETRUST_KMS_ENDPOINT</c> is set).</summary>
    public GoogleServiceEndpoint Kms { get; }

    /// <summary>Reads the settings from the process environment.</summary>
    /// <exception cref="ConfigurationException">A variable is missing or malformed; the message is one line naming it.</exception>
    public static GoogleCloudSettings FromProcessEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Reads the settings from a dictionary of environment variables (e.g. <see cref="Environment.GetEnvironmentVariables()"/>).</summary>
    /// <exception cref="ConfigurationException">A variable is missing or malformed.</exception>
    public static GoogleCloudSettings FromEnvironment(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return FromEnvironment(name => variables.Contains(name) ? variables[name]?.ToString() : null);
    }

    /// <summary>Reads the settings through <paramref name="read"/>, which returns a variable's value or null.</summary>
    /// <exception cref="ConfigurationException">A variable is missing or malformed.</exception>
    public static GoogleCloudSettings FromEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var project = Trimmed(read(ProjectVariable));
        if (project is null)
        {
            throw new ConfigurationException($"{ProjectVariable} is not set: set it to the Google Cloud project id");
        }

        if (!IsValidProjectId(project))
        {
            throw new ConfigurationException($"{ProjectVariable}='{Shorten(project)}' is not a valid project id (letters, digits, '-', '.', ':', at most 100)");
        }

        var pubSubHost = Trimmed(read(PubSubEmulatorVariable));
        var pubSub = pubSubHost is null
            ? GoogleServiceEndpoint.Production("https://pubsub.googleapis.com/")
            : new GoogleServiceEndpoint(EmulatorUri(PubSubEmulatorVariable, pubSubHost), true, null);

        var firestoreHost = Trimmed(read(FirestoreEmulatorVariable));
        var firestore = firestoreHost is null
            ? GoogleServiceEndpoint.Production("https://firestore.googleapis.com/")
            : new GoogleServiceEndpoint(EmulatorUri(FirestoreEmulatorVariable, firestoreHost), true, "owner");

        var database = Trimmed(read(FirestoreDatabaseVariable)) ?? DefaultFirestoreDatabase;
        if (database != DefaultFirestoreDatabase && !IsValidDatabaseId(database))
        {
            throw new ConfigurationException($"{FirestoreDatabaseVariable}='{Shorten(database)}' is not a valid database id (4-63 of a-z, 0-9, '-', or '(default)')");
        }

        var analysisOverride = Trimmed(read(ContainerAnalysisEndpointVariable));
        var containerAnalysis = analysisOverride is null
            ? GoogleServiceEndpoint.Production("https://containeranalysis.googleapis.com/")
            : OverrideEndpoint(ContainerAnalysisEndpointVariable, analysisOverride);
        return new GoogleCloudSettings(project, pubSub, firestore, database, containerAnalysis, KmsFromEnvironment(read));
    }

    /// <summary>
    /// The Cloud KMS endpoint alone (the CLI needs no project for <c>gcpkms://</c> keys): production, or the
    /// <c>IMAGETRUST_KMS_ENDPOINT</c> override read through <paramref name="read"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">The override is not an absolute http(s) base URL.</exception>
    public static GoogleServiceEndpoint KmsFromEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var kmsOverride = Trimmed(read(KmsEndpointVariable));
        return kmsOverride is null
            ? GoogleServiceEndpoint.Production("https://cloudkms.googleapis.com/")
            : OverrideEndpoint(KmsEndpointVariable, kmsOverride);
    }

    /// <summary>Settings for tests and tools that already hold validated values.</summary>
    /// <exception cref="ConfigurationException">A value is invalid.</exception>
    public static GoogleCloudSettings Create(string projectId, string? pubSubEmulatorHost = null, string? firestoreEmulatorHost = null, string? containerAnalysisEndpoint = null, string? firestoreDatabase = null, string? kmsEndpoint = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [ProjectVariable] = projectId,
            [PubSubEmulatorVariable] = pubSubEmulatorHost,
            [FirestoreEmulatorVariable] = firestoreEmulatorHost,
            [ContainerAnalysisEndpointVariable] = containerAnalysisEndpoint,
            [FirestoreDatabaseVariable] = firestoreDatabase,
            [KmsEndpointVariable] = kmsEndpoint,
        };
        return FromEnvironment(name => values.GetValueOrDefault(name));
    }

    /// <summary>The Firestore resource prefix <c>projects/P/databases/D/documents</c>.</summary>
    public string FirestoreDocumentsRoot => $"projects/{ProjectId}/databases/{FirestoreDatabase}/documents";

    private static Uri EmulatorUri(string variable, string hostAndPort)
    {
        if (hostAndPort.Contains("://", StringComparison.Ordinal) || hostAndPort.Contains('/', StringComparison.Ordinal))
        {
            throw new ConfigurationException($"{variable}='{Shorten(hostAndPort)}' must be host:port with no scheme or path");
        }

        if (!Uri.TryCreate("http://" + hostAndPort + "/", UriKind.Absolute, out var uri) || uri.IsDefaultPort && !hostAndPort.EndsWith(":80", StringComparison.Ordinal) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ConfigurationException($"{variable}='{Shorten(hostAndPort)}' must be host:port, e.g. 127.0.0.1:8085");
        }

        return uri;
    }

    private static GoogleServiceEndpoint OverrideEndpoint(string variable, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ConfigurationException($"{variable}='{Shorten(value)}' must be an absolute http(s) base URL");
        }

        var text = uri.AbsoluteUri.EndsWith('/') ? uri.AbsoluteUri : uri.AbsoluteUri + "/";
        var isLocal = uri.IsLoopback || uri.Scheme == "http";
        return new GoogleServiceEndpoint(new Uri(text, UriKind.Absolute), isLocal, null);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsValidProjectId(string value)
        => value.Length <= 100 && value.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or ':');

    private static bool IsValidDatabaseId(string value)
        => value.Length is >= 4 and <= 63 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
