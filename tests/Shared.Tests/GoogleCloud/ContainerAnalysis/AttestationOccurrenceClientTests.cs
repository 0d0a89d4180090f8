using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImageTrust.GoogleCloud;
using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.Model.Http;
using ImageTrust.TestSupport.ContainerAnalysis;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageTrust.Shared.Tests.GoogleCloud.ContainerAnalysis;

/// <summary>The attestation occurrence calls of <see cref="RestContainerAnalysisClient"/> against the loopback stand-in.</summary>
public sealed class AttestationOccurrenceClientTests : IAsyncLifetime
{
    private const string Note = "projects/attestor-project/notes/imagetrust";
    private const string Image = "https://europe-docker.pkg.dev/proj/repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private const string OtherImage = "https://europe-docker.pkg.dev/proj/repo/app@sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";
    private const string KeyId = "//cloudkms.googleapis.com/v1/projects/attestor-project/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1";

    private ContainerAnalysisStandIn _standIn = null!;
    private RestContainerAnalysisClient _client = null!;

    public async Task InitializeAsync()
    {
        _standIn = await ContainerAnalysisStandIn.StartAsync();
        var settings = GoogleCloudSettings.Create("proj", containerAnalysisEndpoint: _standIn.BaseUri.AbsoluteUri);
        var retry = new RetryPolicy { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20), MaxAttempts = 4, TotalTimeout = TimeSpan.FromSeconds(10) };
        _client = new RestContainerAnalysisClient(new HttpClient(), settings, null, TimeProvider.System, NullLogger<RestContainerAnalysisClient>.Instance, retry);
    }

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Fact]
    public async Task CreateAttestationOccurrenceAsync_Attestation_PostsToTheNoteProjectAndReadsBackNameAndTime()
    {
        var created = await _client.CreateAttestationOccurrenceAsync(Request(Image));

        Assert.StartsWith("projects/attestor-project/occurrences/", created.Name, StringComparison.Ordinal);
        Assert.NotNull(created.CreateTime);
        Assert.Equal(Image, created.ResourceUri);
        Assert.Equal(Note, created.NoteName);
        Assert.Equal("payload"u8.ToArray(), created.SerializedPayload.ToArray());
        var signature = Assert.Single(created.Signatures);
        Assert.Equal(KeyId, signature.PublicKeyId);
        Assert.Equal(new byte[] { 1, 2, 3 }, signature.Signature.ToArray());
    }

    [Fact]
    public async Task ListNoteOccurrencesAsync_TwoImages_ReturnsOnlyTheRequestedImagesOccurrences()
    {
        var mine = await _client.CreateAttestationOccurrenceAsync(Request(Image));
        await _client.CreateAttestationOccurrenceAsync(Request(OtherImage));

        var listed = await _client.ListNoteOccurrencesAsync(Note, Image);

        Assert.Equal([mine.Name], listed.Select(o => o.Name));
    }

    [Fact]
    public async Task ListNoteOccurrencesAsync_ManyPages_FollowsPageTokens()
    {
        for (var i = 0; i < 5; i++)
        {
            await _client.CreateAttestationOccurrenceAsync(Request(Image));
        }

        var listed = await _client.ListNoteOccurrencesAsync(Note, Image, maxOccurrences: 2);
        var all = await _client.ListNoteOccurrencesAsync(Note, Image);

        Assert.Equal(2, listed.Length);
        Assert.Equal(5, all.Length);
    }

    [Fact]
    public async Task DeleteOccurrenceAsync_ExistingThenGone_TrueThenFalse()
    {
        var created = await _client.CreateAttestationOccurrenceAsync(Request(Image));

        Assert.True(await _client.DeleteOccurrenceAsync(created.Name));
        Assert.False(await _client.DeleteOccurrenceAsync(created.Name));
        Assert.Empty(await _client.ListNoteOccurrencesAsync(Note, Image));
    }

    [Fact]
    public async Task CreateAttestationOccurrenceAsync_Unavailable_NotRetried()
    {
        _standIn.FailNext(HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAnyAsync<Exception>(() => _client.CreateAttestationOccurrenceAsync(Request(Image)));

        Assert.Equal(0, _standIn.CreateCount);
        Assert.Equal(1, _standIn.RequestCount);
    }

    [Theory]
    [InlineData("projects/p/notes")]
    [InlineData("projects/p/occurrences/n")]
    [InlineData("projects/p/notes/n/x")]
    public async Task ListNoteOccurrencesAsync_NotANoteName_ThrowsFormatException(string note)
        => await Assert.ThrowsAsync<FormatException>(() => _client.ListNoteOccurrencesAsync(note, Image));

    [Fact]
    public async Task AttestationCalls_RequestsAndResponses_ValidateAgainstTheDiscoveryDocument()
    {
        var created = await _client.CreateAttestationOccurrenceAsync(Request(Image));
        await _client.ListNoteOccurrencesAsync(Note, Image);
        await _client.DeleteOccurrenceAsync(created.Name);

        var checker = DiscoverySchemaChecker.Load(ContractFiles.PathOf("containeranalysis.v1.json"));
        var (schema, json) = Assert.Single(_standIn.Received);
        Assert.Equal("Occurrence", schema);
        Assert.Empty(checker.Check(JsonNode.Parse(json), schema, "resourceUri", "noteName", "attestation"));
        Assert.Equal(["Occurrence", "ListNoteOccurrencesResponse", "Empty"], _standIn.Served.Select(s => s.Schema));
        foreach (var (served, body) in _standIn.Served)
        {
            Assert.Empty(checker.Check(JsonNode.Parse(body), served));
        }
    }

    private static AttestationOccurrence Request(string image)
        => new(string.Empty, image, Note, [.. Encoding.ASCII.GetBytes("payload")], [new AttestationSignature(KeyId, [1, 2, 3])], null);
}
