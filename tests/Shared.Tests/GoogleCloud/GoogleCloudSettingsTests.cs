using ImageTrust.GoogleCloud;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.GoogleCloud;

public sealed class GoogleCloudSettingsTests
{
    [Fact]
    public void FromEnvironment_ProjectOnly_UsesProductionEndpoints()
    {
        var settings = GoogleCloudSettings.FromEnvironment(new Dictionary<string, string> { ["GOOGLE_CLOUD_PROJECT"] = "my-proj" });

        Assert.Equal("my-proj", settings.ProjectId);
        Assert.Equal("https://pubsub.googleapis.com/", settings.PubSub.BaseUri.AbsoluteUri);
        Assert.False(settings.PubSub.IsEmulator);
        Assert.Equal("https://firestore.googleapis.com/", settings.Firestore.BaseUri.AbsoluteUri);
        Assert.Equal("https://containeranalysis.googleapis.com/", settings.ContainerAnalysis.BaseUri.AbsoluteUri);
        Assert.Equal("(default)", settings.FirestoreDatabase);
        Assert.Equal("projects/my-proj/databases/(default)/documents", settings.FirestoreDocumentsRoot);
    }

    [Fact]
    public void FromEnvironment_EmulatorHosts_UseHttpAndOwnerTokenForFirestore()
    {
        var settings = GoogleCloudSettings.Create("p", "127.0.0.1:8085", "localhost:8086", "http://127.0.0.1:9000/ca");

        Assert.Equal("http://127.0.0.1:8085/", settings.PubSub.BaseUri.AbsoluteUri);
        Assert.True(settings.PubSub.IsEmulator);
        Assert.Null(settings.PubSub.EmulatorBearerToken);
        Assert.Equal("http://localhost:8086/", settings.Firestore.BaseUri.AbsoluteUri);
        Assert.Equal("owner", settings.Firestore.EmulatorBearerToken);
        Assert.Equal("http://127.0.0.1:9000/ca/", settings.ContainerAnalysis.BaseUri.AbsoluteUri);
    }

    [Fact]
    public void FromEnvironment_MissingProject_ThrowsOneLineNamingTheVariable()
    {
        var exception = Assert.Throws<ConfigurationException>(() => GoogleCloudSettings.FromEnvironment(_ => null));

        Assert.Contains("GOOGLE_CLOUD_PROJECT", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Theory]
    [InlineData("PUBSUB_EMULATOR_HOST", "http://127.0.0.1:8085")]
    [InlineData("PUBSUB_EMULATOR_HOST", "127.0.0.1")]
    [InlineData("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080/path")]
    [InlineData("IMAGETRUST_CONTAINERANALYSIS_ENDPOINT", "ftp://x/")]
    [InlineData("IMAGETRUST_CONTAINERANALYSIS_ENDPOINT", "not a url")]
    [InlineData("IMAGETRUST_FIRESTORE_DATABASE", "Bad_Name")]
    [InlineData("GOOGLE_CLOUD_PROJECT", "bad project")]
    public void FromEnvironment_MalformedValue_ThrowsNamingTheVariable(string variable, string value)
    {
        var values = new Dictionary<string, string> { ["GOOGLE_CLOUD_PROJECT"] = "p", [variable] = value };

        var exception = Assert.Throws<ConfigurationException>(() => GoogleCloudSettings.FromEnvironment(values));

        Assert.Contains(variable, exception.Message, StringComparison.Ordinal);
    }
}
