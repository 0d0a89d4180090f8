using System.Text;
using ImageTrust.Registry;
using ImageTrust.Verification;

namespace ImageTrust.Shared.Tests.Verification;

public sealed class ManifestDocumentTests
{
    private const string DigestA = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private const string DigestB = "sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

    [Fact]
    public void Parse_Index_ReadsPlatformEntries()
    {
        var document = Parse($$$"""{"mediaType":"{{{OciMediaTypes.OciIndex}}}","manifests":[{"mediaType":"m","digest":"{{{DigestA}}}","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}""");

        Assert.True(document.IsIndex);
        var entry = Assert.Single(document.Manifests);
        Assert.Equal(DigestA, entry.Digest.ToString());
        Assert.Equal("linux/arm64/v8", entry.Platform);
    }

    [Fact]
    public void Parse_GoFoldedFieldNames_ReadAsGoReadsThem()
    {
        // go-containerregistry decodes with Go's encoding/json: "Manifests" and "DIGEST" name the fields.
        var document = Parse($$$"""{"MediaType":"{{{OciMediaTypes.OciIndex}}}","Manifests":[{"DIGEST":"{{{DigestA}}}","size":1}]}""");

        Assert.Equal(DigestA, Assert.Single(document.Manifests).Digest.ToString());
    }

    [Theory]
    [InlineData($$$"""{"manifests":[{"digest":"{{{DigestA}}}"}],"Manifests":[{"digest":"{{{DigestB}}}"}]}""")]
    [InlineData($$$"""{"manifests":[{"digest":"{{{DigestA}}}","digest":"{{{DigestB}}}"}]}""")]
    [InlineData($$$"""{"manifests":[{"digest":"{{{DigestA}}}","dige\u017Ft":"{{{DigestB}}}"}]}""")]
    [InlineData($$$"""{"layers":[],"subject":{"digest":"{{{DigestA}}}"},"\u017Fubject":{"digest":"{{{DigestB}}}"}}""")]
    [InlineData($$$"""{"mediaType":"a","mediatype":"b","layers":[]}""")]
    public void Parse_FieldNamedTwiceUnderAnyGoSpelling_FormatException(string json)
    {
        // Go keeps the last of the two; ImageTrust refuses rather than pick one.
        Assert.Throws<FormatException>(() => Parse(json));
    }

    private static ManifestDocument Parse(string json) => ManifestDocument.Parse(Encoding.UTF8.GetBytes(json), null);
}
