using CsCheck;
using ImageTrust.Model;

namespace ImageTrust.Shared.Tests.Model;

public sealed class ImageReferenceTests
{
    private const string Digest64 = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    [Theory]
    [InlineData("europe-docker.pkg.dev/p/repo/img:1.1", "europe-docker.pkg.dev", "p/repo/img", "1.1", null)]
    [InlineData("127.0.0.1:5000/demo/app@" + Digest64, "127.0.0.1:5000", "demo/app", null, Digest64)]
    [InlineData("localhost/app:v1@" + Digest64, "localhost", "app", "v1", Digest64)]
    [InlineData("busybox", "docker.io", "library/busybox", null, null)]
    [InlineData("user/app:latest", "docker.io", "user/app", "latest", null)]
    [InlineData("gcr.io/p/app:sha256-abc.sig", "gcr.io", "p/app", "sha256-abc.sig", null)]
    public void Parse_Valid_SplitsComponents(string text, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper/Case")]
    [InlineData("host:5000/app:")]
    [InlineData("host:5000/app@sha256:abc")]
    [InlineData("host:5000/app:-bad")]
    [InlineData("host:5000//app")]
    [InlineData("host:5000/app/")]
    [InlineData("ho st/app")]
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => ImageReference.Parse(text));
    }

    [Fact]
    public void TryParse_ArbitraryText_NeverThrowsAndRoundTrips()
    {
        Gen.String.Sample(text =>
        {
            if (ImageReference.TryParse(text, out var reference))
            {
                Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
            }
        }, iter: 5000);
    }

    [Fact]
    public void TryParse_MutatedValidReference_ParsedValueIsValid()
    {
        var chars = Gen.Char["abcz09.-_/:@"];
        Gen.Select(Gen.Int[0, 40], chars.Array[0, 6]).Sample((position, insert) =>
        {
            var text = "host.example:5000/team/app:1.0@" + Digest64;
            var mutated = text.Insert(Math.Min(position, text.Length), new string(insert));
            if (ImageReference.TryParse(mutated, out var reference))
            {
                Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
                Assert.DoesNotContain("//", reference.Repository, StringComparison.Ordinal);
            }
        });
    }
}
