using Marketplace.Config.Sections;
using Microsoft.Extensions.Logging;

namespace Marketplace.Config.Rules;

internal enum OfferOutcome
{
    Applied,
    Unchanged,
    Rejected,
}

/// <summary>
/// The one way into the rules in force: every read of a source, and the last good copy at start-up, is offered here.
/// Each declared section is bound and validated; only when all are valid does the set replace the one in force.
/// Otherwise the last good set stays, and a log line, a metric and the system status say what was rejected.
/// A section whose document vanished from the source (a deleted key or file, or a key the ACL token may no longer
/// read, which Consul answers with an empty listing rather than an error) is rejected too: only an explicit empty
/// document (<c>{}</c>) clears a section that has rules in force.
/// </summary>
internal sealed class RuleSetGate(
    RuleSectionRegistry registry,
    RulesStatus status,
    RulesMetrics metrics,
    LastGoodRules lastGood,
    TimeProvider clock,
    ILogger<RuleSetGate> logger)
{
    private const string VanishedFailure =
        "The source no longer holds a document for this section (a deleted key or file, or a key the ACL token may not read). "
        + "The last good rules stay; to clear the section, store the empty document {}.";

    private readonly Lock _lock = new();
    private string? _lastRejectedSignature;

    public OfferOutcome Offer(CandidateRuleSet candidate, bool keepAsLastGood = true)
    {
        lock (_lock)
        {
            var sections = registry.Sections;
            var current = registry.Provider.Current;
            var signature = string.Join('|', sections.Select(s => $"{s.Name}={candidate.For(s.Name).Version}"));
            if (current.Source == candidate.Source && current.Sections.Count == sections.Count
                && sections.All(s => current.Sections.TryGetValue(s.Name, out var applied) && Same(applied, candidate.For(s.Name))))
            {
                // The source is back to what is in force: the same rejection seen again later is news again.
                _lastRejectedSignature = null;
                return OfferOutcome.Unchanged;
            }

            if (signature == _lastRejectedSignature)
            {
                return OfferOutcome.Rejected;
            }

            var accepted = new Dictionary<string, AppliedSection>();
            var rejected = new List<RejectedSection>();
            foreach (var section in sections)
            {
                var document = candidate.For(section.Name);
                if (document.Text is null && current.Sections.TryGetValue(section.Name, out var inForce) && inForce.Text is not null)
                {
                    rejected.Add(new RejectedSection(section.Name, document.Version, new Dictionary<string, string[]> { ["$"] = [VanishedFailure] }));
                    continue;
                }

                var check = section.Check(document.Text ?? "{}");
                if (check.IsValid)
                {
                    accepted[section.Name] = new AppliedSection(section.Name, document.Version, document.Text, check.Rules!);
                }
                else
                {
                    rejected.Add(new RejectedSection(section.Name, document.Version, check.Errors));
                }
            }

            if (rejected.Count > 0)
            {
                _lastRejectedSignature = signature;
                foreach (var section in rejected)
                {
                    metrics.Rejected(section.Section);
                    logger.LogWarning(
                        "Rejected runtime rules section {Section} version {Version} from {Source}; the last good rules stay in force. Failures: {Failures}",
                        section.Section,
                        section.Version,
                        candidate.Source,
                        string.Join("; ", section.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
                }

                status.Rejected(new RuleRejection(clock.GetUtcNow(), candidate.Source, rejected));
                return OfferOutcome.Rejected;
            }

            _lastRejectedSignature = null;
            var set = new AppliedRuleSet(candidate.Source, clock.GetUtcNow(), accepted);

            // Kept before it takes effect, so that a set reported in force is already the one a cold start falls back to.
            if (keepAsLastGood)
            {
                lastGood.Save(set);
            }

            registry.Provider.Apply(set);
            metrics.Applied();

            logger.LogInformation("Runtime rules from {Source} in force: {Versions}", candidate.Source, signature);
            return OfferOutcome.Applied;
        }
    }

    // The text too: after a snapshot restore Consul may hand out an index again, for a different value.
    private static bool Same(AppliedSection applied, SourceDocument document) =>
        applied.Version == document.Version && applied.Text == document.Text;
}
