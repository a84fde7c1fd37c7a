using System.Text.Json;
using Marketplace.Config.Persistence;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Config.Marketing.Audit;

/// <summary>One applied change of a rule section.</summary>
/// <param name="Id">Increases with each change.</param>
/// <param name="Section">The section changed.</param>
/// <param name="Source">Where it was written (Consul or the rules directory).</param>
/// <param name="VersionBefore">The version the change was made against ("0": the section had no document).</param>
/// <param name="VersionAfter">The version the change produced.</param>
/// <param name="DocumentBefore">The document replaced; null when there was none.</param>
/// <param name="DocumentAfter">The document written.</param>
/// <param name="ChangedBy">The account that made the change.</param>
/// <param name="ChangedByName">Its email or name, when the token carries one.</param>
/// <param name="ChangedAt">When the change was applied.</param>
internal sealed record RuleChangeResponse(
    long Id,
    string Section,
    string Source,
    string VersionBefore,
    string VersionAfter,
    JsonElement? DocumentBefore,
    JsonElement? DocumentAfter,
    Guid? ChangedBy,
    string? ChangedByName,
    DateTimeOffset ChangedAt);

internal static class ListRuleChanges
{
    private sealed record Position(long Before);

    /// <summary>The audit trail, newest first, keyset paged; optionally of one section.</summary>
    public static async Task<Results<Ok<Page<RuleChangeResponse>>, ValidationProblem>> Handle(
        string? section, PageRequest paging, ConfigDbContext db, IOptions<ConfigOptions> options, CancellationToken cancellationToken)
    {
        if (!paging.TryRead<Position>(options.Value.AuditPageLimits, out var page, out var problem))
        {
            return problem;
        }

        var query = db.RuleChanges.AsNoTracking();
        if (page.After is { } position)
        {
            var before = position.Before;
            query = query.Where(c => c.Id < before);
        }

        if (!string.IsNullOrEmpty(section))
        {
            query = query.Where(c => c.Section == section);
        }

        var rows = await query.OrderByDescending(c => c.Id).Take(page.Fetch).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(
            rows,
            c => new Position(c.Id),
            c => new RuleChangeResponse(
                c.Id, c.Section, c.Source, c.VersionBefore, c.VersionAfter, RuleAnswers.AsJson(c.DocumentBefore), RuleAnswers.AsJson(c.DocumentAfter), c.ChangedBy, c.ChangedByName, c.ChangedAt)));
    }
}
