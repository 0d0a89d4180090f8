using System.Reflection;
using System.Runtime.CompilerServices;

namespace ImageTrust.Shared.Tests;

/// <summary>Guards the house rules that the compiler does not: sealed-or-abstract classes, private fields, internal by default.</summary>
public sealed class CodeHealthTests
{
    private static readonly Assembly[] LayerAssemblies = [.. LayeringTests.Allowed.Keys.Where(layer => layer != "Cli").Select(layer => Assembly.Load($"ImageTrust.{layer}"))];

    private static readonly Assembly[] ProductionAssemblies = [.. LayerAssemblies, typeof(ImageTrust.Cli.Program).Assembly];

    [Fact]
    public void ProductionAssemblies_EveryLayer_Checked()
    {
        Assert.Equal(9, ProductionAssemblies.Select(assembly => assembly.GetName().Name).Distinct().Count());
    }

    [Fact]
    public void Classes_AllConcreteClasses_AreSealedOrStatic()
    {
        var offenders = ProductionTypes()
            .Where(type => type.IsClass && !type.IsAbstract && !type.IsSealed && !IsCompilerGenerated(type))
            .Select(type => type.FullName)
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Fields_AllInstanceAndStaticFields_ArePrivateOrConst()
    {
        var offenders = ProductionTypes()
            .Where(type => !IsCompilerGenerated(type) && !type.IsEnum)
            .SelectMany(type => type.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(field => !field.IsPrivate && !field.IsLiteral && !IsCompilerGenerated(field))
                .Select(field => $"{type.FullName}.{field.Name}"))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Types_InEveryLayer_AreInternal()
    {
        var offenders = LayerAssemblies.SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.IsPublic && !IsCompilerGenerated(type))
            .Select(type => type.FullName)
            .ToList();

        Assert.Empty(offenders);
    }

    private static IEnumerable<Type> ProductionTypes() =>
        ProductionAssemblies.SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.Namespace?.StartsWith("ImageTrust", StringComparison.Ordinal) == true);

    private static bool IsCompilerGenerated(MemberInfo member) =>
        member.GetCustomAttribute<CompilerGeneratedAttribute>() is not null
        || member.Name.Contains('<', StringComparison.Ordinal)
        || (member is Type { DeclaringType: { } outer } && IsCompilerGenerated(outer));
}
