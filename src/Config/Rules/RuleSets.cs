namespace Marketplace.Config.Rules;

/// <summary>One section's document as a source holds it. Version "0" means the source has no document for it.</summary>
/// <param name="Version">Consul's ModifyIndex of the key, or a content hash of the file.</param>
/// <param name="Text">The JSON text; null when the source has none.</param>
internal sealed record SourceDocument(string Version, string? Text)
{
    public const string MissingVersion = "0";

    public static SourceDocument Missing { get; } = new(MissingVersion, null);
}

/// <summary>Every section's document as one read of a source saw it; applied whole or not at all.</summary>
internal sealed record CandidateRuleSet(string Source, IReadOnlyDictionary<string, SourceDocument> Documents)
{
    public SourceDocument For(string section) => Documents.GetValueOrDefault(section) ?? SourceDocument.Missing;
}

/// <summary>A section in force: the document it came from and the validated rules bound from it.</summary>
internal sealed record AppliedSection(string Name, string Version, string? Text, object Rules);

/// <summary>The rule set in force.</summary>
internal sealed record AppliedRuleSet(string Source, DateTimeOffset? AppliedAt, IReadOnlyDictionary<string, AppliedSection> Sections)
{
    public static AppliedRuleSet None { get; } = new("none", null, new Dictionary<string, AppliedSection>());
}
