using ImageTrust.Pipeline.Records;
using ImageTrust.Verification;

namespace ImageTrust.Cli;

/// <summary>The engines the CLI drives; production wiring in <see cref="ProductionServices"/>, hand-written fakes in tests.</summary>
internal sealed class CliServices
{
    /// <summary>Creates the image verifier for the given registry access.</summary>
    public required Func<RegistryAccess, ImageVerifier> CreateImageVerifier { get; init; }

    /// <summary>Creates the attestation verifier for the given registry access.</summary>
    public required Func<RegistryAccess, AttestationVerifier> CreateAttestationVerifier { get; init; }

    /// <summary>Verifies a Sigstore bundle against an artifact (the conformance entry point).</summary>
    public required Func<BundleVerificationRequest, CancellationToken, Task<BundleVerificationOutcome>> VerifyBundleAsync { get; init; }

    /// <summary>
    /// Whether the image's registry must be reached over plain HTTP under <c>--allow-http-registry</c> (it answers only that),
    /// given the registry and whether its certificate is unchecked; the network probe by default, a fake in tests.
    /// </summary>
    public Func<string, bool, CancellationToken, Task<bool>> NeedsPlainHttpAsync { get; init; } = RegistrySchemeProbe.NeedsPlainHttpAsync;

    /// <summary>Creates the read-only record reader <c>status</c> uses (Firestore, configured from the console's environment).</summary>
    public required Func<CliConsole, ImageRecordReader> CreateRecordReader { get; init; }

    /// <summary>The clock (the time a report says it was made).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
