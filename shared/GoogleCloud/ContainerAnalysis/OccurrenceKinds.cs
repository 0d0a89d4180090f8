namespace ImageTrust.GoogleCloud.ContainerAnalysis;

/// <summary>Container Analysis <c>NoteKind</c> values the pipeline acts on.</summary>
internal static class OccurrenceKinds
{
    /// <summary>A vulnerability finding.</summary>
    public const string Vulnerability = "VULNERABILITY";

    /// <summary>The scan status of an image.</summary>
    public const string Discovery = "DISCOVERY";

    /// <summary>A Binary Authorization attestation.</summary>
    public const string Attestation = "ATTESTATION";

    /// <summary>A DSSE attestation.</summary>
    public const string DsseAttestation = "DSSE_ATTESTATION";
}
