using System.Runtime.CompilerServices;
using ImageTrust.Model;
using ImageTrust.Registry;
using ImageTrust.Signing.Classic;
using ImageTrust.Signing.Verifier;

namespace ImageTrust.Verification;

/// <summary>
/// Finds the layers of a classic cosign manifest (the <c>sha256-….sig</c> or <c>sha256-….att</c> tag) and fetches each
/// layer's content, bounded, after charging the budget for every listed layer. The same discovery serves signatures and
/// attestations; only the layer media type differs.
/// </summary>
internal sealed class ClassicLayerDiscovery
{
    private readonly RegistryClient _registry;
    private readonly ImageVerifierOptions _options;
    private readonly VerificationBudget _budget;

    /// <summary>Creates the discovery over a (budgeted) registry client.</summary>
    public ClassicLayerDiscovery(RegistryClient registry, ImageVerifierOptions options, VerificationBudget budget)
    {
        _registry = registry;
        _options = options;
        _budget = budget;
    }

    /// <summary>
    /// The layers of <paramref name="reference"/> of <paramref name="layerMediaType"/>, each with its content or, when it or
    /// the manifest can't be read, an unreadable outcome about <paramref name="subject"/>; nothing when the tag does not exist.
    /// </summary>
    /// <exception cref="VerificationBudgetExceededException">The manifest lists more layers than the budget allows.</exception>
    /// <exception cref="TransientFailureException">The registry is unavailable.</exception>
    public async IAsyncEnumerable<ClassicLayerContent> FindAsync(
        ImageReference reference, Digest subject, string layerMediaType, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        SignatureManifest? manifest = null;
        SignatureOutcome? unreadable = null;
        var found = true;
        try
        {
            var content = await _registry.GetManifestAsync(reference, _budget.Token).ConfigureAwait(false);
            manifest = SignatureManifest.Parse(content.Content, layerMediaType);
        }
        catch (RegistryNotFoundException)
        {
            found = false;
        }
        catch (RegistryProtocolException e)
        {
            unreadable = SignatureOutcome.Unreadable(SignatureKinds.ClassicKey, subject, reference.ToString(), e.ReasonCode, e.Message);
        }
        catch (FormatException e)
        {
            unreadable = SignatureOutcome.Unreadable(SignatureKinds.ClassicKey, subject, reference.ToString(), VerificationReasons.SignatureManifestInvalid, e.Message);
        }

        if (manifest is null)
        {
            if (found)
            {
                yield return new ClassicLayerContent(reference.ToString(), null, null, unreadable);
            }

            yield break;
        }

        // Every listed layer counts, before any content is fetched: a manifest of a thousand copies is refused at once.
        _budget.ChargeSignatures(manifest.Layers.Count, reference);
        foreach (var layer in manifest.Layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = $"{reference} layer {layer.Index}";
            var kind = layer.Certificate is null ? SignatureKinds.ClassicKey : SignatureKinds.ClassicKeyless;
            byte[]? content = null;
            try
            {
                // Layers sharing a payload (several signers of one image) cost one fetch: the budget caches it by digest.
                content = await _registry.GetBlobAsync(reference, layer.PayloadDigest, _options.MaxSignatureBlobBytes, _budget.Token).ConfigureAwait(false);
            }
            catch (RegistryNotFoundException e)
            {
                unreadable = SignatureOutcome.Unreadable(kind, subject, location, "PAYLOAD_NOT_FOUND", e.Message);
            }
            catch (RegistryProtocolException e)
            {
                unreadable = SignatureOutcome.Unreadable(kind, subject, location, e.ReasonCode, e.Message);
            }

            yield return new ClassicLayerContent(location, layer, content, unreadable);
            unreadable = null;
        }
    }
}
