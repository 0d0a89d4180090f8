using System.Text.Json.Nodes;
using ImageTrust.Pipeline.Attestations;
using ImageTrust.TestSupport.Kms;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>One test's attestor: its emulator project and topics, the KMS stand-in, the note, and the independent model of the attestor.</summary>
internal sealed class AttestorHarness : IAsyncDisposable
{
    public const string VerifiedSubscription = "team-verified";

    private readonly PipelineEnvironment _environment;

    private AttestorHarness(PipelineEnvironment environment, SecurityTeam team, CloudKmsStandIn kms)
    {
        _environment = environment;
        Team = team;
        Kms = kms;
        NoteName = $"projects/{ProjectId}/notes/imagetrust-attestor";
        Model = new AttestorModel(NoteName, "//cloudkms.googleapis.com/v1/" + kms.KeyVersion, kms.PublicKeyPem, "-sha256");
    }

    public SecurityTeam Team { get; }

    public CloudKmsStandIn Kms { get; }

    public string ProjectId => Team.Settings.ProjectId;

    public string NoteName { get; }

    public AttestorModel Model { get; }

    public static async Task<AttestorHarness> StartAsync(PipelineEnvironment environment)
    {
        var team = await SecurityTeam.CreateAsync(environment, environment.Emulators.NewProjectId());
        await team.Admin.CreateTopicAsync("imagetrust-verified");
        await team.Admin.CreateSubscriptionAsync(VerifiedSubscription, "imagetrust-verified");
        var kms = await CloudKmsStandIn.StartAsync($"projects/{team.Settings.ProjectId}/locations/global/keyRings/imagetrust/cryptoKeys/attestor/cryptoKeyVersions/1");
        return new AttestorHarness(environment, team, kms);
    }

    public IReadOnlyList<JsonObject> Occurrences() => _environment.Analysis.OccurrencesOf(NoteName);

    /// <summary>Starts a function configured as this attestor; <paramref name="extraVariables"/> adds or overrides environment variables.</summary>
    public Task<RunningFunction> StartAsync<TFunction>(Action<IServiceCollection>? substitute = null, IReadOnlyDictionary<string, string>? extraVariables = null)
        where TFunction : class, ImageTrust.Hosting.IPubSubFunction
    {
        var variables = new Dictionary<string, string>
        {
            [AttestorSettings.NoteVariable] = NoteName,
            [AttestorSettings.KeyVariable] = "gcpkms://" + Kms.KeyVersion,
            ["IMAGETRUST_KMS_ENDPOINT"] = Kms.BaseUri.AbsoluteUri,
            ["IMAGETRUST_VERIFIED_TOPIC"] = "imagetrust-verified",
        };
        foreach (var (name, value) in extraVariables ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return RunningFunction.StartAsync<TFunction>(_environment, ProjectId, substitute, extraVariables: variables);
    }

    public async ValueTask DisposeAsync()
    {
        Team.Dispose();
        await Kms.DisposeAsync();
    }
}
