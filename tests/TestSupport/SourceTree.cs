namespace Marketplace.TestSupport;

/// <summary>The repository the tests were built from, for tests that read its files (the OpenAPI document, ops/, the api folder).</summary>
public static class SourceTree
{
    /// <summary>The folder holding Marketplace.slnx, found upwards from the test's binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Marketplace.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Marketplace.slnx above {AppContext.BaseDirectory}: the test reads the source tree.");
    }
}
