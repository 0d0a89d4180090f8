using System.Reflection;
using System.Text.RegularExpressions;

namespace ImageTrust.Shared.Tests;

/// <summary>
/// The layers point one way (README "Layout"): each project under shared/ references only the layers below it. The compiler
/// enforces it through project references; these tests also read every source file, so a fully-qualified name or a
/// <c>using</c> of a forbidden layer fails here with the file and line, and the assemblies' references are checked too.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Each layer and the layers it may use (besides itself).</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Model"] = [],
        ["Signing"] = ["Model"],
        ["Registry"] = ["Model"],
        ["Policy"] = ["Model"],
        ["GoogleCloud"] = ["Model"],
        ["Hosting"] = ["Model"],
        ["Verification"] = ["Model", "Signing", "Registry", "Policy"],
        ["Pipeline"] = ["Model", "Signing", "Registry", "Policy", "Verification", "GoogleCloud", "Hosting"],
        ["Cli"] = ["Model", "Signing", "Registry", "Policy", "Verification", "GoogleCloud", "Hosting", "Pipeline"],
    };

    [Fact]
    public void Sources_EveryLayer_UsesOnlyTheLayersBelowIt()
    {
        var offenders = new List<string>();
        foreach (var layer in Allowed.Keys)
        {
            var folder = Path.Combine(SharedRoot, layer);
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Where(IsSource))
            {
                offenders.AddRange(ForbiddenReferences(layer, File.ReadAllText(file)).Select(found => $"{Path.GetRelativePath(SharedRoot, file)}:{found}"));
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void Assemblies_EveryLayer_ReferencesOnlyTheLayersBelowIt()
    {
        var offenders = new List<string>();
        foreach (var (layer, allowed) in Allowed)
        {
            var assembly = Assembly.Load($"ImageTrust.{layer}");
            foreach (var reference in assembly.GetReferencedAssemblies().Select(name => name.Name!).Where(name => name.StartsWith("ImageTrust.", StringComparison.Ordinal)))
            {
                var target = reference["ImageTrust.".Length..];
                if (!allowed.Contains(target, StringComparer.Ordinal))
                {
                    offenders.Add($"ImageTrust.{layer} -> {reference}");
                }
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void ProjectFiles_EveryLayer_ReferencesOnlyTheLayersBelowIt()
    {
        var offenders = new List<string>();
        foreach (var layer in Allowed.Keys)
        {
            var project = Path.Combine(SharedRoot, layer, $"ImageTrust.{layer}.csproj");
            offenders.AddRange(ForbiddenProjectReferences(layer, File.ReadAllText(project)).Select(found => $"{layer}: {found}"));
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void ProjectFiles_EveryFolderUnderShared_IsALayer()
    {
        var folders = Directory.EnumerateDirectories(SharedRoot).Select(Path.GetFileName).Where(name => name is not ("bin" or "obj")).Order(StringComparer.Ordinal);

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), folders);
    }

    [Theory]
    [InlineData("Signing", "<Project><ItemGroup><ProjectReference Include=\"../Verification/ImageTrust.Verification.csproj\" /></ItemGroup></Project>", "ImageTrust.Verification")]
    [InlineData("Model", "<Project><ItemGroup><ProjectReference Include=\"..\\Policy\\ImageTrust.Policy.csproj\" /></ItemGroup></Project>", "ImageTrust.Policy")]
    [InlineData("Policy", "<Project><ItemGroup><ProjectReference Include=\"../../functions/PushVerifier/PushVerifier.csproj\" /></ItemGroup></Project>", "PushVerifier")]
    public void ForbiddenProjectReferences_ReferenceAboveTheLayer_Reported(string layer, string project, string expected)
    {
        Assert.Equal([expected], ForbiddenProjectReferences(layer, project));
    }

    [Fact]
    public void ForbiddenProjectReferences_LayersBelow_None()
    {
        Assert.Empty(ForbiddenProjectReferences("Verification", "<Project><ItemGroup><ProjectReference Include=\"../Signing/ImageTrust.Signing.csproj\" /><ProjectReference Include=\"../Policy/ImageTrust.Policy.csproj\" /></ItemGroup></Project>"));
    }

    [Theory]
    [InlineData("Signing", "using ImageTrust.Verification;\n", "1: ImageTrust.Verification")]
    [InlineData("Policy", "namespace ImageTrust.Policy;\nclass A { ImageTrust.Signing.Keys.X? x; }\n", "2: ImageTrust.Signing")]
    [InlineData("GoogleCloud", "using static ImageTrust.Policy.Severity;\n", "1: ImageTrust.Policy")]
    [InlineData("Model", "using Alias = ImageTrust.Registry.RegistryClient;\n", "1: ImageTrust.Registry")]
    public void ForbiddenReferences_ReferenceAboveTheLayer_Reported(string layer, string source, string expected)
    {
        Assert.Equal([expected], ForbiddenReferences(layer, source));
    }

    [Theory]
    [InlineData("Verification", "using ImageTrust.Signing.Classic;\nusing ImageTrust.Model;\n")]
    [InlineData("Signing", "namespace ImageTrust.Signing.Keys;\n// ImageTrust.Verification is mentioned in a comment only\n")]
    [InlineData("Pipeline", "/// <see cref=\"ImageTrust.Verification.ImageVerifier\"/>\nusing ImageTrust.Hosting;\n")]
    public void ForbiddenReferences_AllowedOrCommentOnly_None(string layer, string source)
    {
        Assert.Empty(ForbiddenReferences(layer, source));
    }

    /// <summary>Every project a layer's project file references that is not a layer it may use, by file name without extension.</summary>
    internal static IEnumerable<string> ForbiddenProjectReferences(string layer, string projectXml)
    {
        var allowed = Allowed[layer].Select(name => $"ImageTrust.{name}").ToHashSet(StringComparer.Ordinal);
        return System.Xml.Linq.XDocument.Parse(projectXml).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(((string?)reference.Attribute("Include") ?? "").Replace('\\', '/')))
            .Where(name => !allowed.Contains(name));
    }

    /// <summary>Every <c>ImageTrust.X</c> name in code (not comments) whose layer X the given layer may not use, as <c>line: ImageTrust.X</c>.</summary>
    internal static IEnumerable<string> ForbiddenReferences(string layer, string source)
    {
        var allowed = Allowed[layer];
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var code = lines[i];
            var comment = code.IndexOf("//", StringComparison.Ordinal);
            if (comment >= 0)
            {
                code = code[..comment];
            }

            foreach (Match match in LayerName().Matches(code))
            {
                var target = match.Groups[1].Value;
                if (target != layer && Allowed.ContainsKey(target) && !allowed.Contains(target, StringComparer.Ordinal))
                {
                    yield return $"{i + 1}: ImageTrust.{target}";
                }
            }
        }
    }

    private static string SharedRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Functions.sln")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Functions.sln not found above the test directory"), "shared");
        }
    }

    private static bool IsSource(string path) =>
        !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex(@"\bImageTrust\.([A-Za-z]+)\b")]
    private static partial Regex LayerName();
}
