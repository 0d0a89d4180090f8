using System.Text.Json;
using ImageTrust.Model;
using ImageTrust.Policy;
using ImageTrust.Signing;
using ImageTrust.Signing.Verifier;
using ImageTrust.Verification;

namespace ImageTrust.Cli;

/// <summary>Turns verification results into reports, explaining each reason code in words that name the cause.</summary>
internal static class ReportBuilder
{
    /// <summary>The reason code when no policy rule covers the image.</summary>
    public const string NoMatchingRule = "NO_MATCHING_RULE";

    /// <summary>A report of an image verification.</summary>
    public static VerificationReport FromResult(ImageVerificationResult result, PolicyRule rule, string? policyVersion)
    {
        var signatures = result.Signatures.Select(ToReport).ToList();
        // The engine explains its reasons itself; the CLI's own wording is the fallback.
        var messages = result.Details.Count > 0
            ? result.Details.ToList()
            : result.Reasons.Select(reason => Explain(reason, result.Image, rule, result)).ToList();
        return new VerificationReport(
            result.Image.ToString(),
            result.Image.Digest?.ToString(),
            result.Verified,
            rule.Name,
            policyVersion,
            rule.Threshold,
            result.SatisfiedAuthorities,
            signatures,
            result.Reasons,
            messages,
            Warnings: result.Warnings.Count == 0 ? null : [.. result.Warnings.Select(warning => warning.ReasonCode).Distinct()],
            WarningMessages: result.Warnings.Count == 0 ? null : [.. result.Warnings.Select(warning => $"{warning.ReasonCode}: {warning.Detail}")]);
    }

    /// <summary>A report of an attestation verification.</summary>
    public static VerificationReport FromAttestations(AttestationVerificationResult result, PolicyRule rule, string predicateType)
    {
        var signatures = result.Attestations.Select(attestation => ToReport(attestation.Signature) with
        {
            PredicateType = attestation.PredicateType,
            Statement = ParseStatement(attestation.StatementJson),
        }).ToList();
        var messages = result.Details.Count > 0
            ? result.Details.ToList()
            : result.Reasons.Select(reason => reason switch
            {
                "NO_ATTESTATIONS" => $"no attestations of type {predicateType} found for {result.Image}",
                _ => ExplainSignatures(reason, signatures),
            }).ToList();
        return new VerificationReport(
            result.Image.ToString(),
            result.Image.Digest?.ToString(),
            result.Verified,
            rule.Name,
            null,
            rule.Threshold,
            [],
            signatures,
            result.Reasons,
            messages,
            predicateType);
    }

    /// <summary>A report for an image no rule of the policy covers.</summary>
    public static VerificationReport NoRule(ImageReference image, string policyFile, string policyVersion) => new(
        image.ToString(),
        image.Digest?.ToString(),
        false,
        null,
        policyVersion,
        null,
        [],
        [],
        [NoMatchingRule],
        [$"no rule of policy {policyFile} covers {image.RepositoryName}"]);

    /// <summary>A report for an error that prevented a verdict.</summary>
    public static VerificationReport Failure(string image, string reason, string message) => new(
        image, null, false, null, null, null, [], [], [reason], [message], Error: message);

    private static SignatureReport ToReport(SignatureVerification signature)
    {
        var failure = CheckResults.FirstFailure(signature.Checks);
        return new SignatureReport(
            signature.Kind,
            signature.Verified,
            signature.Reason,
            signature.Authority,
            signature.Identity,
            signature.Issuer,
            signature.KeyId,
            signature.TlogIndex,
            signature.IntegratedTime,
            failure is null ? null : Detail(failure),
            signature.Checks.Select(check => new CheckReport(check.Step, check.Passed, check.ReasonCode, string.IsNullOrEmpty(check.Detail) ? null : check.Detail)).ToList(),
            Location: signature.Location,
            Subject: signature.Subject?.ToString(),
            DockerReference: signature.DockerReference);
    }

    private static string Detail(CheckResult check) => string.IsNullOrEmpty(check.Detail)
        ? $"{check.Step}: {check.ReasonCode}"
        : check.Detail.StartsWith(check.Step + ":", StringComparison.Ordinal) ? check.Detail : $"{check.Step}: {check.Detail}";

    private static string Explain(string reason, ImageReference image, PolicyRule rule, ImageVerificationResult result)
    {
        switch (reason)
        {
            case "NO_SIGNATURES":
                var places = new List<string>();
                if (image.Digest is { } digest && rule.Formats.HasFlag(SignatureFormats.Classic))
                {
                    places.Add($"{image.RepositoryName}:{digest.ToTagPrefix()}.sig");
                }

                if (image.Digest is { } subject && rule.Formats.HasFlag(SignatureFormats.Bundle))
                {
                    places.Add($"Sigstore bundle referrers of {image.RepositoryName}@{subject}");
                }

                return places.Count == 0 ? $"no signatures found for {image}" : "no signatures found at " + string.Join(" or ", places);
            case "THRESHOLD_NOT_MET":
                return $"{result.SatisfiedAuthorities.Count} of the {rule.Threshold} required distinct authorities verified"
                    + (result.SatisfiedAuthorities.Count > 0 ? $" ({string.Join(", ", result.SatisfiedAuthorities)})" : string.Empty);
            default:
                return ExplainSignatures(reason, result.Signatures.Select(ToReport).ToList());
        }
    }

    private static string ExplainSignatures(string reason, IReadOnlyList<SignatureReport> signatures)
    {
        var failed = signatures.FirstOrDefault(signature => signature.Reason == reason && signature.Detail is not null)
            ?? signatures.FirstOrDefault(signature => !signature.Verified && signature.Detail is not null);
        return failed is null ? reason : $"{reason}: {failed.Detail}";
    }

    private static JsonElement? ParseStatement(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
