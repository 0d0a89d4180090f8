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

    [Theory]
    [InlineData("REGISTRY.example:5000/p/app", "registry.example:5000/p/app")]
    [InlineData("registry.example:05000/p/app", "registry.example:5000/p/app")]
    [InlineData("Registry.Example:00080/p/app", "registry.example:80/p/app")]
    [InlineData("registry.example:443/p/app", "registry.example/p/app")]
    [InlineData("registry.example:00443/p/app", "registry.example/p/app")]
    [InlineData("LOCALHOST:5000/app", "localhost:5000/app")]
    [InlineData("[0:0:0:0:0:0:0:1]:5000/app", "[::1]:5000/app")]
    [InlineData("[::FFFF:7F00:1]:5000/app", "[::ffff:127.0.0.1]:5000/app")]
    [InlineData("[2001:DB8::1]/app", "[2001:db8::1]/app")]
    [InlineData("index.docker.io/nginx", "docker.io/library/nginx")]
    [InlineData("registry-1.docker.io/library/nginx", "docker.io/library/nginx")]
    [InlineData("DOCKER.IO/nginx", "docker.io/library/nginx")]
    [InlineData("Index.Docker.IO:443/nginx", "docker.io/library/nginx")]
    [InlineData("docker.io:443/user/app", "docker.io/user/app")]
    [InlineData("nginx", "docker.io/library/nginx")]
    [InlineData("docker.io:5000/nginx", "docker.io:5000/nginx")]
    public void Parse_NonCanonicalRegistrySpelling_RepositoryNameIsCanonical(string text, string repositoryName)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(repositoryName, reference.RepositoryName);
        Assert.Equal(reference, ImageReference.Parse(repositoryName));
    }

    [Theory]
    [InlineData("registry.example:0/p/app")]
    [InlineData("registry.example:00000/p/app")]
    [InlineData("registry.example:65536/p/app")]
    [InlineData("registry.example:99999/p/app")]
    [InlineData("registry.example:000005000/p/app")]
    [InlineData("registry.example:/p/app")]
    [InlineData("registry.example:+80/p/app")]
    [InlineData("127.0.0.01:5000/p/app")]
    [InlineData("0177.0.0.1:5000/p/app")]
    [InlineData("127.1:5000/p/app")]
    [InlineData("0x7f.0.0.1:5000/p/app")]
    [InlineData("2130706433:5000/p/app")]
    [InlineData("256.0.0.1:5000/p/app")]
    [InlineData("[::1::2]:5000/p/app")]
    [InlineData("[fe80::1%25eth0]/p/app")]
    [InlineData("[::1]x:5000/p/app")]
    [InlineData("registry.example./p/app")]
    [InlineData("-registry.example/p/app")]
    [InlineData("registry.example/p/app\n")]
    [InlineData("registry.example\n/p/app")]
    [InlineData("registry.example:5000\n/p/app")]
    [InlineData("registry.example/p/app:v1\n")]
    [InlineData("registry.example/p/app\n:v1")]
    public void Parse_InvalidOrAmbiguousRegistry_ThrowsFormatException(string text)
    {
        // \n in the data stands for a newline: .NET's '$' also matches before a final newline.
        Assert.Throws<FormatException>(() => ImageReference.Parse(text.Replace("\\n", "\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void WithTag_TrailingNewline_ThrowsFormatException()
    {
        var reference = ImageReference.Parse("registry.example/p/app");

        Assert.Throws<FormatException>(() => reference.WithTag("v1\n"));
    }

    [Fact]
    public void Parse_CanonicalReference_IsUnchanged()
    {
        var spellings = Gen.OneOf<string>("europe-docker.pkg.dev/p/repo/app", "127.0.0.1:5000/demo/app", "localhost/app", "[::1]:5001/x", "docker.io/library/busybox", "gcr.io/p/app");
        spellings.Sample(text => Assert.Equal(text, ImageReference.Parse(text).RepositoryName));
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
