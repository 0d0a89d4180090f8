namespace ImageTrust.Pipeline.Records;

/// <summary>The wire names of <see cref="AttestationAction"/> (the Firestore field <c>pendingAttestation</c>, CLI output).</summary>
internal static class AttestationActionNames
{
    /// <summary>The wire name: <c>ATTEST</c> or <c>WITHDRAW</c>.</summary>
    public static string ToWire(this AttestationAction action) => action switch
    {
        AttestationAction.Attest => "ATTEST",
        AttestationAction.Withdraw => "WITHDRAW",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "unknown attestation action"),
    };

    /// <summary>Parses a wire name.</summary>
    /// <exception cref="FormatException">Not an attestation action.</exception>
    public static AttestationAction Parse(string text) => text switch
    {
        "ATTEST" => AttestationAction.Attest,
        "WITHDRAW" => AttestationAction.Withdraw,
        _ => throw new FormatException($"'{text}' is not an attestation action (ATTEST, WITHDRAW)"),
    };

    /// <summary>
    /// The action a record needs after a change to <paramref name="status"/> from <paramref name="current"/> (null when new):
    /// <paramref name="requested"/> when given; else what the status asks for when it differs from what was done, or when an
    /// earlier action is still pending (the newer status decides, and both actions are idempotent); else none.
    /// </summary>
    public static AttestationAction? Next(ImageRecord? current, ImageStatus status, AttestationAction? requested)
    {
        if (requested is { } forced)
        {
            return forced;
        }

        var wanted = status == ImageStatus.Verified ? AttestationAction.Attest : AttestationAction.Withdraw;
        if (current?.PendingAttestation is not null)
        {
            return wanted;
        }

        var attested = current?.Attestation is not null;
        return wanted == AttestationAction.Attest
            ? attested ? null : AttestationAction.Attest
            : attested || current?.Status == ImageStatus.Verified ? AttestationAction.Withdraw : null;
    }
}
