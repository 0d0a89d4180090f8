namespace ImageTrust.Pipeline.Records;

/// <summary>An event a <see cref="RecordChange"/> asks to publish; the store fills in the image and status data.</summary>
internal sealed record ImageEvent
{
    private ImageEvent(string type, string severity, string summary)
    {
        Type = type;
        Severity = severity;
        Summary = summary;
    }

    /// <summary>The CloudEvent type (see <see cref="ImageEventTypes"/>).</summary>
    public string Type { get; }

    /// <summary>The severity attribute (see <see cref="ImageEventSeverities"/>).</summary>
    public string Severity { get; }

    /// <summary>A one-line human summary.</summary>
    public string Summary { get; }

    /// <summary>An image was quarantined.</summary>
    /// <exception cref="FormatException">Unknown severity.</exception>
    public static ImageEvent Quarantined(string severity, string summary) => Create(ImageEventTypes.Quarantined, severity, summary);

    /// <summary>An image was verified.</summary>
    public static ImageEvent Verified(string summary) => Create(ImageEventTypes.Verified, ImageEventSeverities.Info, summary);

    /// <summary>An attestation was created (or found) for a VERIFIED image.</summary>
    public static ImageEvent Attested(string summary) => Create(ImageEventTypes.Attested, ImageEventSeverities.Info, summary);

    /// <summary>An image's attestations were withdrawn.</summary>
    /// <exception cref="FormatException">Unknown severity.</exception>
    public static ImageEvent AttestationWithdrawn(string severity, string summary) => Create(ImageEventTypes.AttestationWithdrawn, severity, summary);

    /// <summary>An alert.</summary>
    /// <exception cref="FormatException">Unknown severity.</exception>
    public static ImageEvent Alert(string severity, string summary) => Create(ImageEventTypes.Alert, severity, summary);

    private static ImageEvent Create(string type, string severity, string summary)
    {
        if (!ImageEventSeverities.IsKnown(severity))
        {
            throw new FormatException($"'{severity}' is not an event severity (CRITICAL, HIGH, MEDIUM, LOW, INFO)");
        }

        ArgumentNullException.ThrowIfNull(summary);
        return new ImageEvent(type, severity, summary.Length > 500 ? summary[..500] : summary);
    }
}
