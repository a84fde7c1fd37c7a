using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Marketplace.Config.Sources;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Config.Marketing.Read;

internal static class ReadRules
{
    /// <summary>Every section in force on this host; answers from memory, so it works while the source is down.</summary>
    public static Ok<RulesOverviewResponse> List(RuleSectionRegistry registry, RulesStatus status)
    {
        var report = (RulesStatusReport)status.Report();
        var current = registry.Provider.Current;
        var sections = registry.Sections
            .Select(s => current.Sections.TryGetValue(s.Name, out var applied) && applied.Text is not null
                ? new RuleSectionSummary(s.Name, applied.Version, "applied", RuleAnswers.AsJson(applied.Text))
                : new RuleSectionSummary(s.Name, SourceDocument.MissingVersion, "defaults", null))
            .ToList();
        return TypedResults.Ok(new RulesOverviewResponse(report.Source, report.SourceReachable, current.Source, current.AppliedAt, sections, status.LastRejection));
    }

    /// <summary>One section as stored now, with its version as the ETag to send back in <c>If-Match</c>.</summary>
    public static async Task<Results<Ok<RuleSectionResponse>, ProblemHttpResult>> Get(
        string section, HttpContext http, RuleSectionRegistry registry, IRuleSource source, RulesStatus status, CancellationToken cancellationToken)
    {
        if (registry.Find(section) is null)
        {
            return RuleAnswers.UnknownSection(section, registry);
        }

        SourceDocument stored;
        try
        {
            stored = await source.ReadSectionAsync(section, cancellationToken);
        }
        catch (RuleSourceUnavailableException e)
        {
            return RuleAnswers.SourceUnavailable(e);
        }

        ETag.Set(http.Response, stored.Version);
        return TypedResults.Ok(RuleAnswers.Describe(section, stored, RuleSetGateView.Of(registry, status)));
    }
}
