using ImageTrust.GoogleCloud.ContainerAnalysis;
using ImageTrust.Model;

namespace ImageTrust.Pipeline.Attestations;

/// <summary>
/// Where ImageTrust attests as a Binary Authorization attestor: the ATTESTATION note its occurrences attach to and the Cloud
/// KMS key version that signs them. Both variables set: attestations on; neither: off; one alone: a configuration error.
/// </summary>
internal sealed record AttestorSettings
{
    /// <summary>The note variable, <c>projects/P/notes/N</c>.</summary>
    public const string NoteVariable = "IMAGETRUST_ATTESTATION_NOTE";

    /// <summary>The key variable, <c>gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V</c>.</summary>
    public const string KeyVariable = "IMAGETRUST_ATTESTATION_KEY";

    private AttestorSettings(string noteName, CloudKmsKeyName key)
    {
        NoteName = noteName;
        Key = key;
    }

    /// <summary>The ATTESTATION note, <c>projects/P/notes/N</c>.</summary>
    public string NoteName { get; }

    /// <summary>The signing key version.</summary>
    public CloudKmsKeyName Key { get; }

    /// <summary>The id an attestor gives a Cloud KMS key version (what <c>gcloud … attestors public-keys add --keyversion…</c> sets), carried by each signature.</summary>
    public string PublicKeyId => "//cloudkms.googleapis.com/v1/" + Key.ResourceName;

    /// <summary>Validated settings.</summary>
    /// <exception cref="ConfigurationException">The note or the key is malformed.</exception>
    public static AttestorSettings Create(string noteName, string key)
    {
        ArgumentNullException.ThrowIfNull(noteName);
        ArgumentNullException.ThrowIfNull(key);
        if (!RestContainerAnalysisClient.IsNoteName(noteName))
        {
            throw new ConfigurationException($"{NoteVariable}='{Shorten(noteName)}' is not a note name: projects/PROJECT/notes/NOTE");
        }

        try
        {
            return new AttestorSettings(noteName, CloudKmsKeyName.Parse(key));
        }
        catch (FormatException exception)
        {
            throw new ConfigurationException($"{KeyVariable}: {exception.Message}", exception);
        }
    }

    /// <summary>Reads the settings through <paramref name="read"/>; null when attestations are off (neither variable set).</summary>
    /// <exception cref="ConfigurationException">Only one of the two is set, or one is malformed.</exception>
    public static AttestorSettings? FromEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var note = Trimmed(read(NoteVariable));
        var key = Trimmed(read(KeyVariable));
        return (note, key) switch
        {
            (null, null) => null,
            (null, _) => throw new ConfigurationException($"{KeyVariable} is set but {NoteVariable} is not: set both to attest, or neither"),
            (_, null) => throw new ConfigurationException($"{NoteVariable} is set but {KeyVariable} is not: set both to attest, or neither"),
            _ => Create(note, key),
        };
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
