using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.GoogleCloud.PubSub;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.TestSupport.Emulators;
using Microsoft.Extensions.DependencyInjection;

namespace ImageTrust.Shared.Tests.GoogleCloud;

[Collection(GoogleEmulatorsCollection.Name)]
public sealed class GoogleCloudServiceCollectionExtensionsTests
{
    private readonly GoogleEmulatorsFixture _emulators;

    public GoogleCloudServiceCollectionExtensionsTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task AddGoogleCloudAdapters_EmulatorSettings_ResolvesWorkingAdaptersWithoutCredentials()
    {
        var services = new ServiceCollection()
            .AddGoogleCloudAdapters(_emulators.CreateSettings())
            .AddImageRecordStore(ImageEventTopics.Create());
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ImageRecordStore>();
        var admin = provider.GetRequiredService<PubSubAdmin>();
        await admin.CreateTopicAsync("imagetrust-quarantine");
        var result = await store.ApplyAsync(ImageKey.Parse("127.0.0.1:5000/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), "di-1", _ => RecordChange.To(ImageStatus.Quarantined) with { Events = [ImageEvent.Quarantined(ImageEventSeverities.High, "x")] });

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal(1, result.PublishedEvents);
        Assert.Same(provider.GetRequiredService<PubSubPublisher>(), provider.GetRequiredService<PubSubPublisher>());
        Assert.IsType<RestFirestoreDocumentStore>(provider.GetRequiredService<FirestoreDocumentStore>());
        Assert.IsType<RestContainerAnalysisClient>(provider.GetRequiredService<ContainerAnalysisClient>());
    }
}
