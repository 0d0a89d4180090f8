namespace ImageTrust.Cli;

/// <summary>
/// One flag of a cosign 3.x verification command (<c>cosign verify</c>, <c>verify-attestation</c>, <c>verify-blob</c>), as
/// cosign's own sources declare it (<c>cmd/cosign/cli/options/*.go</c>) and <c>doc/cosign_verify.md</c> lists it. The table in
/// docs/cosign-flags.md is the same list, for people.
/// </summary>
/// <param name="Name">The long name without dashes, e.g. <c>allow-http-registry</c>.</param>
/// <param name="Shorthand">The one-letter shorthand (<c>o</c>, <c>t</c>, <c>a</c>, <c>d</c>), or null.</param>
/// <param name="IsBoolean">A pflag boolean: <c>--flag</c> or <c>--flag=true|false</c>, never <c>--flag false</c>.</param>
/// <param name="Handling">What ImageTrust does with it.</param>
/// <param name="Note">For a refused flag, why (printed in one line naming the flag, exit 2); for an accepted one, why it changes nothing.</param>
internal sealed record CosignFlag(string Name, char? Shorthand, bool IsBoolean, CosignFlagHandling Handling, string? Note)
{
    /// <summary>The environment variable cosign (viper, prefix <c>COSIGN</c>) reads the flag from when it is not given.</summary>
    public string EnvironmentVariable => "COSIGN_" + Name.ToUpperInvariant().Replace('-', '_');

    /// <summary>Why the flag is refused, or null when it is taken.</summary>
    public string? Refusal => Handling == CosignFlagHandling.Refused ? Note : null;
}
