namespace ImageTrust.Cli;

/// <summary>What ImageTrust does with a cosign flag.</summary>
internal enum CosignFlagHandling
{
    /// <summary>An option of the command, with cosign's meaning.</summary>
    Supported,

    /// <summary>Parsed and checked as cosign does, then dropped: it can't change ImageTrust's verdict (e.g. <c>--max-workers</c>).</summary>
    Accepted,

    /// <summary>Refused with one line naming the flag and why (exit 2).</summary>
    Refused,
}
