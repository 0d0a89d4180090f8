namespace ImageTrust.Functions.Tests.Support;

/// <summary>The tests sharing one <see cref="PipelineEnvironment"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineEnvironment>
{
    public const string Name = "pipeline";
}
