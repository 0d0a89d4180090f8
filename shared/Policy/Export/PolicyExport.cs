using System.Text.Json.Nodes;

namespace ImageTrust.Policy.Export;

/// <summary>The result of exporting a trust policy: one document per exported rule, or the refusals.</summary>
/// <param name="Documents">The Kubernetes resources, one per rule, in rule order; empty when anything was refused.</param>
/// <param name="Refusals">What could not be expressed exactly; the export is usable only when this is empty.</param>
/// <param name="Notes">What the documents leave to ImageTrust or to the cluster's configuration (printed as YAML comments).</param>
internal sealed record PolicyExport(IReadOnlyList<JsonObject> Documents, IReadOnlyList<PolicyExportRefusal> Refusals, IReadOnlyList<string> Notes)
{
    /// <summary>The documents as multi-document YAML, with the notes as comments on top.</summary>
    public string ToYaml() => YamlDocumentWriter.Write(Documents, Notes);
}
