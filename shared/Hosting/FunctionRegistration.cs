namespace ImageTrust.Hosting;

/// <summary>
/// A function class a project registered, matched against <c>FUNCTION_TARGET</c> by full or simple type name, or by the simple
/// name without its <c>Function</c> suffix (Terraform's <c>entry_point = "PushVerifier"</c> names <c>PushVerifierFunction</c>).
/// </summary>
/// <param name="FullName">The type's full name, e.g. <c>ImageTrust.Functions.PushVerifier.PushVerifierFunction</c>.</param>
/// <param name="Name">The type's simple name.</param>
/// <param name="Resolve">Creates the function from a request's service scope.</param>
internal sealed record FunctionRegistration(string FullName, string Name, Func<IServiceProvider, IPubSubFunction> Resolve)
{
    private const string FunctionSuffix = "Function";

    /// <summary>True when <paramref name="target"/> names this function.</summary>
    public bool Matches(string target) =>
        string.Equals(target, FullName, StringComparison.Ordinal)
        || string.Equals(target, Name, StringComparison.Ordinal)
        || (Name.Length > FunctionSuffix.Length
            && Name.EndsWith(FunctionSuffix, StringComparison.Ordinal)
            && string.Equals(target, Name[..^FunctionSuffix.Length], StringComparison.Ordinal));
}
