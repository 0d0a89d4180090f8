using System.Text.Json.Serialization;

namespace ImageTrust.Benchmarks;

/// <summary>Source-generated JSON for the benchmark set-up.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
