using ImageTrust.Shared.Tests.GoogleCloud;
using ImageTrust.Shared.Tests.Pipeline.Golden;
using ImageTrust.TestSupport.Emulators;

namespace ImageTrust.Shared.Tests.Pipeline.Wire;

/// <summary>
/// Each published event (CloudEvent envelope, data, Pub/Sub attributes and ordering key) is pinned for its subscribers: the
/// <c>-project</c> files as published now, and the original files once the source project (issue 15) is taken out.
/// </summary>
[Collection(GoogleEmulatorsCollection.Name)]
public sealed class PublishedEventGoldenTests
{
    private readonly GoogleEmulatorsFixture _emulators;

    public PublishedEventGoldenTests(GoogleEmulatorsFixture emulators)
    {
        _emulators = emulators;
    }

    [Fact]
    public async Task Publish_ImageVerified_IsTheGoldenMessage()
    {
        using var scenario = await GoldenScenario.RunAsync(_emulators);

        var message = Assert.Single(scenario.PublishedTo(GoldenScenario.VerifiedTopic));

        GoldenFiles.AssertMatches("event-image-verified-project.json", GoldenRendering.Message(GoldenScenario.VerifiedTopic, message));
        GoldenFiles.AssertMatches("event-image-verified.json", GoldenRendering.Message(GoldenScenario.VerifiedTopic, GoldenRendering.WithoutSourceProject(message)));
    }

    [Fact]
    public async Task Publish_ImageQuarantinedFromTheOutbox_IsTheGoldenMessage()
    {
        using var scenario = await GoldenScenario.RunAsync(_emulators);
        Assert.Empty(scenario.PublishedTo(GoldenScenario.QuarantineTopic));

        await scenario.PublishPendingAsync();

        var message = Assert.Single(scenario.PublishedTo(GoldenScenario.QuarantineTopic));
        GoldenFiles.AssertMatches("event-image-quarantined-project.json", GoldenRendering.Message(GoldenScenario.QuarantineTopic, message));
        GoldenFiles.AssertMatches("event-image-quarantined.json", GoldenRendering.Message(GoldenScenario.QuarantineTopic, GoldenRendering.WithoutSourceProject(message)));
    }

    [Fact]
    public async Task Publish_VulnerabilityAlertFromTheOutbox_IsTheGoldenMessage()
    {
        using var scenario = await GoldenScenario.RunAsync(_emulators);
        var before = scenario.PublishedTo(GoldenScenario.AlertsTopic).Count;

        await scenario.PublishPendingAsync();

        var message = Assert.Single(scenario.PublishedTo(GoldenScenario.AlertsTopic).Skip(before));
        GoldenFiles.AssertMatches("event-alert-vulnerabilities-project.json", GoldenRendering.Message(GoldenScenario.AlertsTopic, message));
        GoldenFiles.AssertMatches("event-alert-vulnerabilities.json", GoldenRendering.Message(GoldenScenario.AlertsTopic, GoldenRendering.WithoutSourceProject(message)));
    }

    [Fact]
    public async Task Publish_WarnedOnFirstPush_IsTheGoldenMessage()
    {
        using var scenario = await GoldenScenario.RunAsync(_emulators);

        var message = Assert.Single(scenario.PublishedTo(GoldenScenario.AlertsTopic));

        GoldenFiles.AssertMatches("event-alert-warned-project.json", GoldenRendering.Message(GoldenScenario.AlertsTopic, message));
        GoldenFiles.AssertMatches("event-alert-warned.json", GoldenRendering.Message(GoldenScenario.AlertsTopic, GoldenRendering.WithoutSourceProject(message)));
    }

    [Fact]
    public async Task Publish_ManifestNeverFound_IsTheGoldenMessage()
    {
        using var scenario = GoldenScenario.Create(_emulators.CreateSettings());
        await scenario.CreateTopicsAsync();

        await scenario.ReplayPendingManifestAsync();

        var message = Assert.Single(scenario.PublishedTo(GoldenScenario.AlertsTopic));
        Assert.Empty(scenario.PublishedTo(GoldenScenario.QuarantineTopic));
        GoldenFiles.AssertMatches("event-alert-manifest-never-found.json", GoldenRendering.Message(GoldenScenario.AlertsTopic, message));
    }
}
