namespace ImageTrust.Policy;

/// <summary>One located problem in a policy file.</summary>
/// <param name="SourceName">The file name.</param>
/// <param name="Line">The 1-based line.</param>
/// <param name="Path">The readable path, e.g. <c>rules[0].threshold</c>.</param>
/// <param name="Message">What is wrong.</param>
internal sealed record ConfigurationError(string SourceName, long Line, string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{SourceName}:{Line}: {Path}: {Message}";
}
