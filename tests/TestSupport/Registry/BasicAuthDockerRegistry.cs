using Xunit;

namespace ImageTrust.TestSupport.Registry;

/// <summary>An xunit fixture: a real registry with htpasswd Basic auth for <see cref="User"/>/<see cref="Password"/>.</summary>
public sealed class BasicAuthDockerRegistry : IAsyncLifetime
{
    /// <summary>The one user the registry accepts.</summary>
    public const string User = "imagetrust";

    /// <summary>That user's password.</summary>
    public const string Password = "s3cret-pass";

    /// <summary>The running registry.</summary>
    public DockerRegistryProcess Registry { get; } = new(new DockerRegistryOptions { BasicUser = User, BasicPassword = Password });

    /// <summary>A writer that pushes with the user's credentials.</summary>
    public RegistryContentWriter CreateWriter() => RegistryContentWriter.WithBasic(Registry.BaseUri, User, Password);

    /// <inheritdoc />
    public Task InitializeAsync() => Registry.InitializeAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Registry.DisposeAsync().AsTask();
}
