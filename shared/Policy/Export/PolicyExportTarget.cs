namespace ImageTrust.Policy.Export;

/// <summary>The admission controllers a trust policy exports to.</summary>
internal enum PolicyExportTarget
{
    /// <summary>Kyverno <c>ImageValidatingPolicy</c> (<c>policies.kyverno.io/v1</c>).</summary>
    Kyverno,

    /// <summary>Sigstore policy-controller <c>ClusterImagePolicy</c> (<c>policy.sigstore.dev/v1beta1</c>).</summary>
    PolicyController,
}
