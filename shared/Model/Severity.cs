namespace ImageTrust.Model;

/// <summary>Container Analysis severities, lowest first.</summary>
internal enum Severity
{
    /// <summary>Not set.</summary>
    Unspecified = 0,

    /// <summary>MINIMAL.</summary>
    Minimal,

    /// <summary>LOW.</summary>
    Low,

    /// <summary>MEDIUM.</summary>
    Medium,

    /// <summary>HIGH.</summary>
    High,

    /// <summary>CRITICAL.</summary>
    Critical,
}
