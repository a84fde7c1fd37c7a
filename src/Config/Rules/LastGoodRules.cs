using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Marketplace.Config.Rules;

/// <summary>
/// The last rule set that passed validation, kept on disk so that a start while the source is down still serves it.
/// Written through a temporary file and a rename, so a crash never leaves half a file.
/// </summary>
internal sealed class LastGoodRules(string path, ILogger<LastGoodRules> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private sealed record StoredSection(string Version, string? Text);

    private sealed record Stored(string Source, DateTimeOffset SavedAt, Dictionary<string, StoredSection> Sections);

    public string Path => path;

    public void Save(AppliedRuleSet set)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var stored = new Stored(set.Source, set.AppliedAt ?? DateTimeOffset.UtcNow, set.Sections.Values.ToDictionary(s => s.Name, s => new StoredSection(s.Version, s.Text)));
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(stored, Json));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The rules in force do not depend on this copy; a failed save costs only the cold-start fallback.
            logger.LogWarning(e, "Could not keep the last good rules at {Path}", path);
        }
    }

    /// <summary>The stored set, or null when there is none or it cannot be read.</summary>
    public CandidateRuleSet? Load()
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllBytes(path), Json);
            return stored is null
                ? null
                : new CandidateRuleSet($"last good ({stored.Source}, saved {stored.SavedAt:O})", stored.Sections.ToDictionary(s => s.Key, s => new SourceDocument(s.Value.Version, s.Value.Text)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            logger.LogWarning(e, "The last good rules at {Path} cannot be read; ignoring them", path);
            return null;
        }
    }
}
