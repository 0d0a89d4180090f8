using ImageTrust.Model;
using ImageTrust.Pipeline.Attestations;

namespace ImageTrust.Shared.Tests.Pipeline.Attestations;

public sealed class AttestorSettingsTests
{
    private const string Note = "projects/attestor-project/notes/imagetrust";
    private const string Key = "gcpkms://projects/attestor-project/locations/global/keyRings/imagetrust/cryptoKeys/attestor/cryptoKeyVersions/1";

    [Fact]
    public void FromEnvironment_Neither_Off()
        => Assert.Null(AttestorSettings.FromEnvironment(_ => null));

    [Fact]
    public void FromEnvironment_Both_NoteKeyAndTheAttestorsPublicKeyId()
    {
        var settings = AttestorSettings.FromEnvironment(Read(Note, Key))!;

        Assert.Equal(Note, settings.NoteName);
        Assert.Equal(Key, settings.Key.ToString());
        Assert.Equal("//cloudkms.googleapis.com/v1/projects/attestor-project/locations/global/keyRings/imagetrust/cryptoKeys/attestor/cryptoKeyVersions/1", settings.PublicKeyId);
    }

    [Theory]
    [InlineData(Note, null, "IMAGETRUST_ATTESTATION_NOTE is set but IMAGETRUST_ATTESTATION_KEY is not")]
    [InlineData(null, Key, "IMAGETRUST_ATTESTATION_KEY is set but IMAGETRUST_ATTESTATION_NOTE is not")]
    [InlineData("projects/p/occurrences/o", Key, "IMAGETRUST_ATTESTATION_NOTE='projects/p/occurrences/o' is not a note name")]
    [InlineData("notes/n", Key, "is not a note name")]
    [InlineData(Note, "gcpkms://projects/attestor-project/locations/global/keyRings/imagetrust/cryptoKeys/attestor", "IMAGETRUST_ATTESTATION_KEY: KMS key reference")]
    [InlineData(Note, "projects/attestor-project/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1", "IMAGETRUST_ATTESTATION_KEY: KMS key reference must start with 'gcpkms://'")]
    public void FromEnvironment_HalfOrMalformed_ConfigurationErrorNamingTheVariable(string? note, string? key, string message)
    {
        var exception = Assert.Throws<ConfigurationException>(() => AttestorSettings.FromEnvironment(Read(note, key)));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Read(string? note, string? key) => name => name switch
    {
        AttestorSettings.NoteVariable => note,
        AttestorSettings.KeyVariable => key,
        _ => null,
    };
}
