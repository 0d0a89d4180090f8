using ImageTrust.Hosting;

namespace ImageTrust.Shared.Tests.Hosting;

public sealed class FunctionRegistrationTests
{
    private static readonly FunctionRegistration s_registration =
        new("ImageTrust.Functions.PushVerifier.PushVerifierFunction", "PushVerifierFunction", _ => throw new InvalidOperationException());

    [Theory]
    [InlineData("ImageTrust.Functions.PushVerifier.PushVerifierFunction")]
    [InlineData("PushVerifierFunction")]
    [InlineData("PushVerifier")]
    public void Matches_TerraformEntryPointOrTypeName_True(string target) => Assert.True(s_registration.Matches(target));

    [Theory]
    [InlineData("pushverifier")]
    [InlineData("Function")]
    [InlineData("Push")]
    [InlineData("")]
    public void Matches_OtherName_False(string target) => Assert.False(s_registration.Matches(target));

    [Fact]
    public void Matches_TypeNamedFunction_OnlyItsOwnName()
    {
        var bare = new FunctionRegistration("X.Function", "Function", _ => throw new InvalidOperationException());
        Assert.True(bare.Matches("Function"));
        Assert.False(bare.Matches(""));
    }
}
