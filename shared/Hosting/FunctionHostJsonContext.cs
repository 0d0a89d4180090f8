using System.Text.Json.Serialization;

namespace ImageTrust.Hosting;

/// <summary>Source-generated JSON metadata for the few shapes the host serializes.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class FunctionHostJsonContext : JsonSerializerContext
{
}
