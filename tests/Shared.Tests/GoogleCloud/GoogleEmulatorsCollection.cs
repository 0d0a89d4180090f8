using ImageTrust.TestSupport.Emulators;

namespace ImageTrust.Shared.Tests.GoogleCloud;

/// <summary>One Pub/Sub and one Firestore emulator shared by every test class in the collection.</summary>
[CollectionDefinition(Name)]
public sealed class GoogleEmulatorsCollection : ICollectionFixture<GoogleEmulatorsFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "GoogleEmulators";
}
