using System.Diagnostics;
using ImageTrust.GoogleCloud.BinaryAuthorization;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.GoogleCloud.BinaryAuthorization;

/// <summary>The payload must equal, byte for byte, what <c>gcloud container binauthz create-signature-payload</c> prints.</summary>
public sealed class ContainerSignaturePayloadTests
{
    private const string Sha256 = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Theory]
    [InlineData("127.0.0.1:5000/skopeo/signed")]
    [InlineData("localhost:38211/a/b/c/deeply/nested/image")]
    [InlineData("europe-docker.pkg.dev/my-project/my-repo/app")]
    [InlineData("us-central1-docker.pkg.dev/p-123/team.repo/group/sub_group/app-name")]
    [InlineData("gcr.io/my-project/app")]
    [InlineData("index.docker.io/library/busybox")]
    public async Task ForResourceUri_Repository_EqualsGcloudOutputByteForByte(string repository)
    {
        var url = $"https://{repository}@{Sha256}";

        var expected = await GcloudPayloadAsync(url);

        Assert.Equal(expected, ContainerSignaturePayload.ForResourceUri(url));
        Assert.Equal(expected, ContainerSignaturePayload.Create(repository, Digest.Parse(Sha256)));
    }

    [Theory]
    [InlineData("europe-docker.pkg.dev/p/r/app@" + Sha256)]
    [InlineData("https://europe-docker.pkg.dev/p/r/app")]
    [InlineData("https://europe-docker.pkg.dev/p/r/\"app@" + Sha256)]
    [InlineData("https://europe-docker.pkg.dev/p/r/app@sha256:short")]
    public void ForResourceUri_NotAnHttpsImageUrlWithDigest_Throws(string url)
        => Assert.Throws<FormatException>(() => ContainerSignaturePayload.ForResourceUri(url));

    internal static async Task<byte[]> GcloudPayloadAsync(string artifactUrl)
    {
        var config = Directory.CreateTempSubdirectory("gcloud-config-");
        try
        {
            var start = new ProcessStartInfo("gcloud", ["container", "binauthz", "create-signature-payload", "--artifact-url=" + artifactUrl, "--quiet"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["CLOUDSDK_AUTH_DISABLE_CREDENTIALS"] = "true";
            start.Environment["CLOUDSDK_CONFIG"] = config.FullName;
            start.Environment["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1";
            using var gcloud = Process.Start(start)!;
            using var output = new MemoryStream();
            var copy = gcloud.StandardOutput.BaseStream.CopyToAsync(output);
            var errors = gcloud.StandardError.ReadToEndAsync();
            await gcloud.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await copy;
            Assert.True(gcloud.ExitCode == 0, $"gcloud failed: {await errors}");
            return output.ToArray();
        }
        finally
        {
            config.Delete(recursive: true);
        }
    }
}
