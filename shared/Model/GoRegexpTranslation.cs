namespace ImageTrust.Model;

/// <summary>A Go regexp translated to .NET (see <see cref="GoRegexp.Translate"/>).</summary>
/// <param name="Pattern">The .NET pattern, for <c>RegexOptions.NonBacktracking | RegexOptions.CultureInvariant</c> and no other option.</param>
/// <param name="HasWordBoundary">
/// The pattern uses <c>\b</c> or <c>\B</c>, ASCII word boundaries in Go and Unicode ones in .NET: it must not be matched
/// against a value with a non-ASCII character.
/// </param>
/// <param name="ProgramSize">Go's estimate of the compiled program's size (instructions), at most Go's limit.</param>
internal sealed record GoRegexpTranslation(string Pattern, bool HasWordBoundary, long ProgramSize);
