using System.Text.Json;
using Marketplace.Config.Marketing.Validate;
using Marketplace.Config.Persistence;
using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Marketplace.Config.Sources;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Config.Marketing.Apply;

internal static class ApplyRuleChange
{
    /// <summary>
    /// Refuses a missing, malformed or stale <c>If-Match</c> as every conditional write does (docs/api-conventions.md),
    /// validates the new document, then writes it only if the section is still at the version matched: Consul
    /// check-and-set on that ModifyIndex, or a compare and an atomic rename for files. The audit entry is written in a
    /// transaction that commits only once the write succeeded.
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

        if (!Preconditions.TryReadIfMatch(http.Request, out var ifMatch, out var refusal))
        {
            return refusal;
        }

        // If-Match may be * or a list, but check-and-set takes one version: the stored one, once it satisfies the
        // condition. A change landing between this read and the write still fails the check-and-set.
        string expected;
        try
        {
            expected = (await source.ReadSectionAsync(section, cancellationToken)).Version;
        }
        catch (RuleSourceUnavailableException e)
        {
            return RuleAnswers.SourceUnavailable(e);
        }

        if (!ifMatch.Matches(expected))
        {
            return Preconditions.Failed(expected);
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
            return Preconditions.Failed(outcome.Version);
        }

        // The store has the change now: finish the audit even if the caller goes away.
        change.VersionAfter = outcome.Version;
        change.DocumentBefore = outcome.PreviousText;
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        await source.AfterWriteAsync(CancellationToken.None);

        ETag.Set(http.Response, outcome.Version);
        return TypedResults.Ok(RuleAnswers.Describe(section, new SourceDocument(outcome.Version, text), RuleSetGateView.Of(registry, status)));
    }
}
