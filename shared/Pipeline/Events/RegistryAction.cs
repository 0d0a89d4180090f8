namespace ImageTrust.Pipeline.Events;

/// <summary>The <c>action</c> of an Artifact Registry notification.</summary>
internal enum RegistryAction
{
    /// <summary>A manifest or tag was pushed.</summary>
    Insert,

    /// <summary>A manifest or tag was deleted.</summary>
    Delete,
}
