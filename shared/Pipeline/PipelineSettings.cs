using System.Collections.Frozen;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Model;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Policy;
using ImageTrust.Registry;

namespace ImageTrust.Pipeline;

/// <summary>
/// Everything the three functions need from the environment, read and validated once at start (the policy file is loaded
/// and checked too), immutable afterwards. Any problem is one <see cref="ConfigurationException"/> line naming the variable.
/// </summary>
internal sealed record PipelineSettings
{
    /// <summary>The policy file variable.</summary>
    public const string PolicyVariable = "IMAGETRUST_POLICY";

    /// <summary>The maximum age of a verification before the Reverifier repeats it (Go duration, default 24h).</summary>
    public const string ReverifyMaxAgeVariable = "IMAGETRUST_REVERIFY_MAX_AGE";

    /// <summary>The most work messages one Reverifier sweep publishes (default 1000).</summary>
    public const string ReverifyBatchVariable = "IMAGETRUST_REVERIFY_BATCH";

    /// <summary>The topic the sweep publishes one work message per due image to (default <c>imagetrust-reverify-work</c>).</summary>
    public const string ReverifyWorkTopicVariable = "IMAGETRUST_REVERIFY_WORK_TOPIC";

    /// <summary>The default of <see cref="ReverifyWorkTopic"/>.</summary>
    public const string DefaultReverifyWorkTopic = "imagetrust-reverify-work";

    /// <summary>The deadline of one image verification (Go duration, default 60s).</summary>
    public const string VerificationTimeoutVariable = "IMAGETRUST_VERIFICATION_TIMEOUT";

    /// <summary>
    /// The default of <see cref="VerificationTimeout"/>: half the default function timeout (120 s), leaving the rest for the
    /// image's first manifest read (bounded by the registry client's own deadline) and the Firestore write.
    /// </summary>
    public static TimeSpan DefaultVerificationTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The default of <see cref="ReverifyMaxAge"/>.</summary>
    public static TimeSpan DefaultReverifyMaxAge { get; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The default of <see cref="ReverifyBatch"/>: at the default 10-minute schedule, 6,000 re-verifications an hour, enough
    /// for 100,000 images at the default 24 h maximum age, while a policy change reaches them over about 17 hours, not at once.
    /// </summary>
    public const int DefaultReverifyBatch = 1000;

    /// <summary>The Google Cloud project and endpoints (emulators when their variables are set).</summary>
    public required GoogleCloudSettings Google { get; init; }

    /// <summary>The loaded trust policy.</summary>
    public required TrustPolicy Policy { get; init; }

    /// <summary>The policy file's full path.</summary>
    public required string PolicyPath { get; init; }

    /// <summary>Where events go.</summary>
    public required ImageEventTopics Topics { get; init; }

    /// <summary>Registry client options (plain-HTTP registries from <c>IMAGETRUST_HTTP_REGISTRIES</c>).</summary>
    public required RegistryClientOptions Registry { get; init; }

    /// <summary>The Binary Authorization attestor, or null when attestations are off.</summary>
    public AttestorSettings? Attestation { get; init; }

    /// <summary>How old a verification may get before the Reverifier repeats it.</summary>
    public TimeSpan ReverifyMaxAge { get; init; } = DefaultReverifyMaxAge;

    /// <summary>
    /// The most work messages one sweep publishes (and so the most due records it reads, plus one page): with the schedule, the
    /// bound on the fan-out rate, whatever made many records due at once (a policy change).
    /// </summary>
    public int ReverifyBatch { get; init; } = DefaultReverifyBatch;

    /// <summary>The work topic id the sweep publishes to.</summary>
    public string ReverifyWorkTopic { get; init; } = DefaultReverifyWorkTopic;

    /// <summary>
    /// One deadline for each image verification, below the function's request timeout. Passing it is a recorded verdict
    /// (<c>VERIFICATION_TIMEOUT</c>), not a redelivery: a registry slow enough to pass it would be as slow on every attempt.
    /// </summary>
    public TimeSpan VerificationTimeout { get; init; } = DefaultVerificationTimeout;

    /// <summary>
    /// How long the OccurrenceHandler gathers notifications for one image before evaluating it, and the least time between two
    /// evaluations (so two writes) of one image: Firestore sustains about one write per second per document.
    /// </summary>
    public TimeSpan OccurrenceCoalesceWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads the process environment.</summary>
    /// <exception cref="ConfigurationException">A variable is missing or malformed, or the policy is invalid.</exception>
    public static PipelineSettings FromProcessEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Reads the settings through <paramref name="read"/> (a variable's value, or null when unset).</summary>
    /// <exception cref="ConfigurationException">A variable is missing or malformed, or the policy is invalid.</exception>
    public static PipelineSettings FromEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var google = GoogleCloudSettings.FromEnvironment(read);
        var policyPath = Trimmed(read(PolicyVariable))
            ?? throw new ConfigurationException($"{PolicyVariable} is not set: set it to the trust policy file (see shared/Policy/policy.example.yaml)");
        TrustPolicy policy;
        try
        {
            policy = TrustPolicyLoader.Load(policyPath);
        }
        catch (ConfigurationException exception)
        {
            throw new ConfigurationException($"{PolicyVariable}: {exception.Message}", exception);
        }

        IReadOnlySet<string> httpRegistries;
        try
        {
            // Canonical names, as image references have them, so any spelling of a registry allows it.
            httpRegistries = RegistryClientOptions.ParseHttpRegistries(read(RegistryClientOptions.HttpRegistriesVariable))
                .Select(entry => RegistryHost.ParsePlainHttp(entry).Name)
                .ToHashSet(StringComparer.Ordinal);
        }
        catch (FormatException exception)
        {
            throw new ConfigurationException($"{RegistryClientOptions.HttpRegistriesVariable}: {exception.Message}", exception);
        }

        var maxAge = DefaultReverifyMaxAge;
        if (Trimmed(read(ReverifyMaxAgeVariable)) is { } maxAgeText)
        {
            try
            {
                maxAge = GoDuration.Parse(maxAgeText);
            }
            catch (FormatException exception)
            {
                throw new ConfigurationException($"{ReverifyMaxAgeVariable}='{maxAgeText}' is not a duration such as 24h or 90m: {exception.Message}", exception);
            }

            if (maxAge <= TimeSpan.Zero)
            {
                throw new ConfigurationException($"{ReverifyMaxAgeVariable} must be positive, not '{maxAgeText}'");
            }
        }

        var verificationTimeout = DefaultVerificationTimeout;
        if (Trimmed(read(VerificationTimeoutVariable)) is { } timeoutText)
        {
            try
            {
                verificationTimeout = GoDuration.Parse(timeoutText);
            }
            catch (FormatException exception)
            {
                throw new ConfigurationException($"{VerificationTimeoutVariable}='{timeoutText}' is not a duration such as 60s or 2m: {exception.Message}", exception);
            }

            if (verificationTimeout <= TimeSpan.Zero || verificationTimeout > VerificationLimits.MaxTimeout)
            {
                throw new ConfigurationException($"{VerificationTimeoutVariable} must be more than 0s and at most 24h, not '{timeoutText}'");
            }
        }

        var batch = DefaultReverifyBatch;
        if (Trimmed(read(ReverifyBatchVariable)) is { } batchText
            && (!int.TryParse(batchText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out batch) || batch is < 1 or > 10_000))
        {
            throw new ConfigurationException($"{ReverifyBatchVariable}='{batchText}' is not a whole number from 1 to 10000");
        }

        var workTopic = Trimmed(read(ReverifyWorkTopicVariable)) ?? DefaultReverifyWorkTopic;
        try
        {
            PubSubNames.ValidateId(workTopic, "topic");
        }
        catch (FormatException exception)
        {
            throw new ConfigurationException($"{ReverifyWorkTopicVariable}: {exception.Message}", exception);
        }

        var registry = new RegistryClientOptions { HttpRegistries = httpRegistries.ToFrozenSet() };
        registry.Validate();
        return new PipelineSettings
        {
            Google = google,
            Policy = policy,
            PolicyPath = Path.GetFullPath(policyPath),
            Topics = ImageEventTopics.FromEnvironment(read),
            Attestation = AttestorSettings.FromEnvironment(read),
            Registry = registry,
            ReverifyMaxAge = maxAge,
            ReverifyBatch = batch,
            ReverifyWorkTopic = workTopic,
            VerificationTimeout = verificationTimeout,
        };
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
