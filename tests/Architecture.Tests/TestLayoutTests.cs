using System.Text.RegularExpressions;

namespace Marketplace.Architecture.Tests;

/// <summary>
/// A module's tests are filed like its code: a test folder is named after a source folder (the use case it tests),
/// and a file's namespace follows its folder, so a reader finds the tests of <c>src/Catalog/Reviews/</c> in
/// <c>tests/Catalog.Tests/Reviews/</c>. The test project's root holds what spans the module: the OpenAPI walks, the
/// migrations, and the hosts and arrangements that several folders share.
/// </summary>
public sealed partial class TestLayoutTests
{
    public static TheoryData<string> MirroredModules() => new("Catalog");

    [Theory]
    [MemberData(nameof(MirroredModules))]
    public void Every_test_folder_is_named_after_a_source_folder_of_its_module(string module)
    {
        var tests = Path.Combine(RepositoryRoot, "tests", module + ".Tests");
        var source = Path.Combine(RepositoryRoot, "src", module);
        var unmatched = TestFiles(tests)
            .Select(file => Path.GetRelativePath(tests, Path.GetDirectoryName(file)!))
            .Where(folder => folder != ".")
            .Distinct()
            .Where(folder => !Directory.Exists(Path.Combine(source, folder)))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(unmatched.Count == 0, $"tests/{module}.Tests has folders with no src/{module} folder of the same name: {string.Join(", ", unmatched)}");
    }

    [Theory]
    [MemberData(nameof(MirroredModules))]
    public void Every_test_file_namespace_follows_its_folder(string module)
    {
        var tests = Path.Combine(RepositoryRoot, "tests", module + ".Tests");
        var misfiled = new List<string>();
        foreach (var file in TestFiles(tests))
        {
            var folder = Path.GetRelativePath(tests, Path.GetDirectoryName(file)!);
            var expected = folder == "." ? $"Marketplace.{module}.Tests" : $"Marketplace.{module}.Tests.{folder.Replace(Path.DirectorySeparatorChar, '.')}";
            var declared = FileScopedNamespace().Match(File.ReadAllText(file)) is { Success: true } match ? match.Groups[1].Value : "(none)";
            if (declared != expected)
            {
                misfiled.Add($"{Path.GetRelativePath(tests, file)} declares {declared}, its folder says {expected}");
            }
        }

        Assert.True(misfiled.Count == 0, string.Join("; ", misfiled));
    }

    private static IEnumerable<string> TestFiles(string project) =>
        Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(project, file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    private static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Marketplace.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Marketplace.slnx above {AppContext.BaseDirectory}: the layout tests read the source tree.");
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();
}
