using System.Net;
using ImageTrust.Cli;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Hosting;
using ImageTrust.Model;
using ImageTrust.Pipeline;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Services;
using ImageTrust.Registry;
using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.Shared.Tests.Policy;
using ImageTrust.TestSupport.Emulators;
using ImageTrust.TestSupport.PubSub;
using ImageTrust.TestSupport.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.Pipeline;

/// <summary>The one composition root, as the functions and the CLI use it, against the real emulators.</summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class PipelineServicesTests
{
    private static readonly ImageKey Image = ImageKey.Parse("127.0.0.1:5000/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    private readonly GoogleEmulatorsFixture _emulators;

    public PipelineServicesTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task Add_EmulatorSettings_EveryFunctionServiceWorksWithoutCredentials()
    {
        var google = _emulators.CreateSettings();
        var services = new ServiceCollection().AddSingleton<AccessTokenSource>(new RefusingTokenSource());
        PipelineServices.Add(services, Settings(google));
        await using var provider = services.BuildServiceProvider();
        await new PubSubAdmin(new HttpClient(), google, null, TimeProvider.System, NullLogger<PubSubAdmin>.Instance).CreateTopicAsync("imagetrust-quarantine");

        var store = provider.GetRequiredService<ImageRecordStore>();
        var result = await store.ApplyAsync(Image, "di-1", _ => RecordChange.To(ImageStatus.Quarantined) with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "x")] });

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(1, result.PublishedEvents);
        Assert.Same(store, provider.GetRequiredService<ImageRecordReader>());
        Assert.IsType<RestFirestoreDocumentStore>(provider.GetRequiredService<FirestoreDocumentStore>());
        Assert.IsType<BatchingPubSubPublisher>(provider.GetRequiredService<PubSubPublisher>());
        Assert.IsType<RestContainerAnalysisClient>(provider.GetRequiredService<ContainerAnalysisClient>());
        Assert.IsType<DistributionRegistryClient>(provider.GetRequiredService<RegistryClient>());
        Assert.NotNull(provider.GetRequiredService<PushVerificationService>());
        Assert.NotNull(provider.GetRequiredService<OccurrenceService>());
        Assert.NotNull(provider.GetRequiredService<ReverificationService>());
        Assert.IsType<PubSubPermanentFailureAlerter>(provider.GetRequiredService<IPermanentFailureAlerter>());
    }

    [Fact]
    public async Task AddRecordReader_EmulatorSettings_ReadsTheStoresRecordsWithNothingElseBuilt()
    {
        var google = _emulators.CreateSettings();
        await RecordAsync(google, RecordChange.To(ImageStatus.Verified, "OK"));

        var services = new ServiceCollection().AddSingleton<AccessTokenSource>(new RefusingTokenSource()).AddRecordReader(google);
        await using var provider = services.BuildServiceProvider();
        var reader = provider.GetRequiredService<ImageRecordReader>();
        var record = await reader.GetAsync(Image);
        var page = await reader.ListAsync(ImageStatus.Verified);

        Assert.IsType<FirestoreImageRecordReader>(reader);
        Assert.Equal(ImageStatus.Verified, record?.Status);
        Assert.Equal([Image], page.Records.Select(r => r.Key));
        Assert.Null(provider.GetService<PubSubPublisher>());
        Assert.Null(provider.GetService<ImageRecordStore>());
        Assert.Null(provider.GetService<RegistryClient>());
        Assert.Null(provider.GetService<ContainerAnalysisClient>());
    }

    [Fact]
    public async Task CliStatus_FirestoreEmulatorOnly_ReadsTheRecordWithoutAnyPubSubSetting()
    {
        var google = _emulators.CreateSettings();
        await RecordAsync(google, RecordChange.To(ImageStatus.Quarantined, "NO_SIGNATURES"));

        var environment = new Dictionary<string, string>
        {
            ["GOOGLE_CLOUD_PROJECT"] = google.ProjectId,
            ["FIRESTORE_EMULATOR_HOST"] = _emulators.Firestore.HostAndPort,
        };
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, environment.GetValueOrDefault, Directory.GetCurrentDirectory());

        var exitCode = await CliApplication.RunAsync(["status", Image.ToString(), "--output", "json"], ProductionServices.Create(), console);

        Assert.True(exitCode == 0, error.ToString());
        Assert.Contains("\"QUARANTINED\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("NO_SIGNATURES", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PipelineServices.RegistryHttpClient)]
    [InlineData(PipelineServices.GoogleHttpClient)]
    public async Task AddPlatform_NamedClients_DoNotFollowRedirects(string name)
    {
        await using var server = await LoopbackHttpServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = "http://127.0.0.1:1/elsewhere";
            return Task.CompletedTask;
        });
        await using var provider = new ServiceCollection().AddPlatform().BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient(name).GetAsync(new Uri(server.BaseUri, "/v2/"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public void AddPlatform_CalledAgain_AddsNothing()
    {
        var services = new ServiceCollection().AddPlatform();
        var count = services.Count;

        services.AddPlatform();

        Assert.Equal(count, services.Count);
    }

    // Writes the image's record as the functions do, through the pipeline's own store.
    private static async Task RecordAsync(ImageTrust.GoogleCloud.GoogleCloudSettings google, RecordChange change)
    {
        var services = new ServiceCollection();
        PipelineServices.Add(services, Settings(google));
        await using var pipeline = services.BuildServiceProvider();
        await pipeline.GetRequiredService<ImageRecordStore>().ApplyAsync(Image, "m-1", _ => change);
    }

    private static PipelineSettings Settings(ImageTrust.GoogleCloud.GoogleCloudSettings google) => PipelineSettings.FromEnvironment(name => name switch
    {
        "GOOGLE_CLOUD_PROJECT" => google.ProjectId,
        "PUBSUB_EMULATOR_HOST" => google.PubSub.BaseUri.Authority,
        "FIRESTORE_EMULATOR_HOST" => google.Firestore.BaseUri.Authority,
        PipelineSettings.PolicyVariable => PolicyTestFiles.ExamplePolicyPath,
        _ => null,
    });

    /// <summary>Fails the test if anything asks for Google credentials: emulator runs must never need them.</summary>
    private sealed class RefusingTokenSource : AccessTokenSource
    {
        public override Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("an emulator run asked for Google credentials");
    }
}
