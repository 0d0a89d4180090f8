namespace ImageTrust.Policy;

/// <summary>What a failed verification leads to.</summary>
internal enum EnforcementMode
{
    /// <summary>Failure quarantines the image.</summary>
    Enforce,

    /// <summary>Failure only raises an alert.</summary>
    Warn,
}
