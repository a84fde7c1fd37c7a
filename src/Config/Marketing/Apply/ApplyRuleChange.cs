using System.Text.Json;
using Marketplace.Config.Marketing.Validate;
using Marketplace.Config.Persistence;
using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Marketplace.Config.Sources;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Config.Marketing.Apply;

internal static class ApplyRuleChange
{
    /// <summary>
    /// Validates the new document, then writes it only if the section is still at the version the caller read
    /// (<c>If-Match</c>): Consul check-and-set on that ModifyIndex, or a compare and an atomic rename for files. The
    /// audit entry is written in a transaction that commits only once the write succeeded.
    /// </summary>
    public static async Task<Results<Ok<RuleSectionResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        string section,
        JsonElement document,
        HttpContext http,
        RuleSectionRegistry registry,
        IRuleSource source,
        RulesStatus status,
        ConfigDbContext db,
        IOptions<ConfigOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (registry.Find(section) is not { } declared)
        {
            return RuleAnswers.UnknownSection(section, registry);
        }

        var expected = IfMatch(http.Request);
        if (expected is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: "If-Match is required",
                detail: "Read the section first and send its ETag as If-Match, so that a change made meanwhile is not overwritten.");
        }

        var check = ValidateRuleDraft.Check(declared, document, options.Value);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors, title: $"The change of '{section}' is not valid; nothing was written");
        }

        var text = document.GetRawText();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var change = new RuleChange
        {
            Section = section,
            Source = source.Description,
            VersionBefore = expected,
            DocumentAfter = text,
            ChangedBy = http.User.UserId(),
            ChangedByName = http.User.FindFirst("email")?.Value ?? http.User.FindFirst("name")?.Value,
            ChangedAt = clock.GetUtcNow(),
        };
        db.RuleChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);

        WriteOutcome outcome;
        try
        {
            outcome = await source.WriteAsync(section, text, expected, cancellationToken);
        }
        catch (RuleSourceUnavailableException e)
        {
            return RuleAnswers.SourceUnavailable(e);
        }

        if (!outcome.Written)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The section changed since it was read",
                detail: $"Version {expected} of '{section}' is no longer current; it is at version {outcome.Version}. Read it again, redo the change and retry.");
        }

        // The store has the change now: finish the audit even if the caller goes away.
        change.VersionAfter = outcome.Version;
        change.DocumentBefore = outcome.PreviousText;
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        await source.AfterWriteAsync(CancellationToken.None);

        RuleAnswers.SetETag(http, outcome.Version);
        return TypedResults.Ok(RuleAnswers.Describe(section, new SourceDocument(outcome.Version, text), RuleSetGateView.Of(registry, status)));
    }

    /// <summary>The version in <c>If-Match</c>, without quotes or a weak marker; null when the header is absent.</summary>
    private static string? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"');
    }
}
