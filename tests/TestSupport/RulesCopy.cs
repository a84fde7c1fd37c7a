namespace Marketplace.TestSupport;

/// <summary>
/// A temporary directory holding a copy of the repository's runtime rules (<c>config/runtime</c>), for a host whose
/// tests change rules through the marketing API (which writes the files) or start from rules of their own.
/// </summary>
public sealed class RulesCopy : IDisposable
{
    public RulesCopy()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rules-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        foreach (var file in Directory.GetFiles(RepositoryDirectory(), "*.json"))
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    public string Path { get; }

    /// <summary>Replaces the copy's document of <paramref name="section"/>.</summary>
    public void Write(string section, string document) => File.WriteAllText(System.IO.Path.Combine(Path, $"{section}.json"), document);

    /// <summary>Points the host's rules, and its last-good file, at this copy.</summary>
    public void Use(MarketplaceFactory host)
    {
        host.Settings["Config:RuntimeDirectory"] = Path;
        host.Settings["Config:LastGoodPath"] = System.IO.Path.Combine(Path, "last-good.json");
    }

    /// <summary>The repository's <c>config/runtime</c>, found above the test binaries.</summary>
    public static string RepositoryDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "config", "runtime");
            if (File.Exists(System.IO.Path.Combine(candidate, "delivery.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("config/runtime not found above the test binaries.");
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
