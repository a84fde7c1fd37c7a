using System.Text.Json;
using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Marketplace.Config.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Config.Marketing;

/// <summary>The runtime rules in force, section by section, and where they come from.</summary>
/// <param name="Source">Where the rules are read from (Consul address and prefix, or the rules directory).</param>
/// <param name="SourceReachable">False while the source cannot be read; the rules in force stay meanwhile.</param>
/// <param name="AppliedFrom">The source of the set in force (the live source, or the last good copy on disk).</param>
/// <param name="LastAppliedAt">When the set in force took effect.</param>
/// <param name="Sections">Every declared section.</param>
/// <param name="LastRejection">The last change that failed validation and was not applied, if any.</param>
internal sealed record RulesOverviewResponse(
    string Source,
    bool SourceReachable,
    string AppliedFrom,
    DateTimeOffset? LastAppliedAt,
    IReadOnlyList<RuleSectionSummary> Sections,
    RuleRejection? LastRejection);

/// <summary>One section in force.</summary>
/// <param name="Section">The section name, e.g. <c>pricing</c>.</param>
/// <param name="Version">The version in force: Consul's ModifyIndex of the key, or a hash of the file; "0" when the source has no document and the section's defaults apply.</param>
/// <param name="State"><c>applied</c>, or <c>defaults</c> when the source has no document for the section.</param>
/// <param name="Document">The document in force; null with defaults.</param>
internal sealed record RuleSectionSummary(string Section, string Version, string State, JsonElement? Document);

/// <summary>A section as the source holds it now, and how that relates to the rules in force.</summary>
/// <param name="Section">The section name.</param>
/// <param name="Version">The stored version; send it back as <c>If-Match</c> to change the section. Also the ETag.</param>
/// <param name="AppliedVersion">The version in force on this host.</param>
/// <param name="State"><c>applied</c> (stored = in force), <c>rejected</c> (the stored version failed validation) or <c>pending</c> (not yet picked up).</param>
/// <param name="Document">The stored document; null when the source has none.</param>
internal sealed record RuleSectionResponse(string Section, string Version, string AppliedVersion, string State, JsonElement? Document);

/// <summary>A draft that passed validation; nothing was written.</summary>
/// <param name="Section">The section the draft was checked as.</param>
/// <param name="Valid">Always true: an invalid draft is answered with 400 naming the fields.</param>
internal sealed record RuleDraftCheckResponse(string Section, bool Valid);

/// <summary>Shared answers of the marketing rules endpoints.</summary>
internal static class RuleAnswers
{
    public static ProblemHttpResult UnknownSection(string section, RuleSectionRegistry registry) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Unknown rule section",
            detail: $"'{section}' is not a rule section. Sections: {string.Join(", ", registry.Sections.Select(s => s.Name))}.");

    public static ProblemHttpResult SourceUnavailable(RuleSourceUnavailableException failure) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The rules store cannot be reached",
            detail: $"{failure.Message} The shop keeps serving the rules in force; retry later.");

    public static JsonElement? AsJson(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text, RuleSection.DocumentOptions);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // A stored document that is not JSON (it was rejected) is shown as the text it is.
            return JsonSerializer.SerializeToElement(text);
        }
    }

    public static RuleSectionResponse Describe(string section, SourceDocument stored, RuleSetGateView view)
    {
        var applied = view.Applied.Sections.TryGetValue(section, out var inForce) ? inForce.Version : SourceDocument.MissingVersion;
        var state = stored.Version == applied ? "applied"
            : view.Rejection?.Sections.Any(r => r.Section == section && r.Version == stored.Version) == true ? "rejected"
            : "pending";
        return new RuleSectionResponse(section, stored.Version, applied, state, AsJson(stored.Text));
    }
}

/// <summary>What is in force and what was last rejected, read together.</summary>
internal sealed record RuleSetGateView(AppliedRuleSet Applied, RuleRejection? Rejection)
{
    public static RuleSetGateView Of(RuleSectionRegistry registry, RulesStatus status) => new(registry.Provider.Current, status.LastRejection);
}
