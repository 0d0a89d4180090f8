using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImageTrust.Functions.Tests.Support;

/// <summary>
/// An independent check of an attestation occurrence, written from Binary Authorization's API documentation of
/// <c>projects.attestors.validateAttestationOccurrence</c> and of <c>UserOwnedGrafeasNote</c>/<c>AttestorPublicKey</c>, not from
/// ImageTrust's code: the occurrence is on the attestor's note and names the image; one of its signatures carries the id of one
/// of the attestor's public keys exactly and verifies (with openssl) over the serialized payload; the payload is the container
/// signature for that image's repository and digest. Returns <c>VERIFIED</c> or the denial reason.
/// </summary>
/// <param name="NoteReference">The attestor's <c>userOwnedGrafeasNote.noteReference</c>.</param>
/// <param name="PublicKeyId">The attestor public key's <c>id</c>.</param>
/// <param name="PublicKeyPem">Its <c>pkixPublicKey.publicKeyPem</c>.</param>
/// <param name="OpensslDigest">The digest of its <c>signatureAlgorithm</c> as an openssl flag, e.g. <c>-sha256</c> for ECDSA_P256_SHA256.</param>
internal sealed record AttestorModel(string NoteReference, string PublicKeyId, string PublicKeyPem, string OpensslDigest)
{
    public async Task<string> ValidateAsync(JsonObject occurrence, string occurrenceResourceUri)
    {
        if (occurrence["noteName"]?.GetValue<string>() != NoteReference)
        {
            return "NOTE_IS_NOT_THE_ATTESTORS";
        }

        if (occurrence["resourceUri"]?.GetValue<string>() != occurrenceResourceUri)
        {
            return "RESOURCE_URI_MISMATCH";
        }

        var attestation = occurrence["attestation"]?.AsObject();
        var payload = Convert.FromBase64String(attestation?["serializedPayload"]?.GetValue<string>() ?? string.Empty);
        var statement = JsonNode.Parse(payload)?["critical"];
        var at = occurrenceResourceUri.LastIndexOf('@');
        if (statement?["type"]?.GetValue<string>() != "Google cloud binauthz container signature"
            || statement["image"]?["docker-manifest-digest"]?.GetValue<string>() != occurrenceResourceUri[(at + 1)..]
            || statement["identity"]?["docker-reference"]?.GetValue<string>() != occurrenceResourceUri["https://".Length..at])
        {
            return "PAYLOAD_DOES_NOT_NAME_THE_IMAGE";
        }

        foreach (var signature in attestation?["signatures"]?.AsArray() ?? [])
        {
            if (signature?["publicKeyId"]?.GetValue<string>() == PublicKeyId
                && await OpensslVerifiesAsync(payload, Convert.FromBase64String(signature["signature"]!.GetValue<string>())))
            {
                return "VERIFIED";
            }
        }

        return "NO_SIGNATURE_VERIFIES_WITH_THE_ATTESTORS_KEY";
    }

    private async Task<bool> OpensslVerifiesAsync(byte[] payload, byte[] signature)
    {
        var directory = Directory.CreateTempSubdirectory("binauthz-check-");
        try
        {
            var key = Path.Combine(directory.FullName, "key.pem");
            var data = Path.Combine(directory.FullName, "payload");
            var sig = Path.Combine(directory.FullName, "sig");
            await File.WriteAllTextAsync(key, PublicKeyPem);
            await File.WriteAllBytesAsync(data, payload);
            await File.WriteAllBytesAsync(sig, signature);
            using var openssl = Process.Start(new ProcessStartInfo("openssl", ["dgst", OpensslDigest, "-verify", key, "-signature", sig, data]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var output = await openssl.StandardOutput.ReadToEndAsync();
            await openssl.StandardError.ReadToEndAsync();
            await openssl.WaitForExitAsync();
            return openssl.ExitCode == 0 && output.Contains("Verified OK", StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
