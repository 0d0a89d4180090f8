using System.Text.Json;
using CsCheck;

namespace ImageTrust.Shared.Tests.Signing.Bundles;

/// <summary>
/// The bundle and DSSE readers decode base64 straight from the JSON document when <see cref="JsonElement.TryGetBytesFromBase64"/>
/// accepts it, and through <see cref="Convert.TryFromBase64String"/> otherwise. That is only sound if the first never
/// accepts text the second would read differently or refuse.
/// </summary>
public sealed class Base64DecodingTests
{
    [Fact]
    public void TryGetBytesFromBase64_WheneverItAccepts_ConvertDecodesTheSameBytes()
    {
        const string Alphabet = "ABCDQRab09+/=-_ \n\\";
        var accepted = 0;
        Gen.Int.Sample(
            seed =>
            {
                var random = new Random(seed);
                var text = new string(Enumerable.Range(0, random.Next(0, 14)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());

                // Escapes too: the reader unescapes before decoding.
                var json = JsonSerializer.Serialize(text).Replace("\\\\", "\\u0041", StringComparison.Ordinal);
                using var document = JsonDocument.Parse(json);
                var element = document.RootElement;
                if (!element.TryGetBytesFromBase64(out var direct))
                {
                    return;
                }

                Interlocked.Increment(ref accepted);
                var value = element.GetString()!;
                var buffer = new byte[(value.Length * 3 / 4) + 3];
                Assert.True(Convert.TryFromBase64String(value, buffer, out var written), json);
                Assert.Equal(buffer[..written], direct);
            },
            iter: 200_000);

        Assert.True(accepted > 10_000, $"only {accepted} samples were base64 at all");
    }
}
