using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Config.Sources;

/// <summary>
/// Puts rules in force before the host serves: the last good copy first, then one read of the source (bounded by
/// <see cref="ConfigOptions.StartupReadTimeout"/>, so a source that is down delays nothing further); then watches the
/// source for as long as the host runs.
/// </summary>
internal sealed class RulesWatcher(
    RuleSectionRegistry registry,
    IRuleSource source,
    RuleSetGate gate,
    LastGoodRules lastGood,
    RulesStatus status,
    IOptions<ConfigOptions> options,
    ILogger<RulesWatcher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        registry.Close();
        status.Source = source.Description;
        if (lastGood.Load() is { } stored)
        {
            gate.Offer(stored, keepAsLastGood: false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StartupReadTimeout);
        try
        {
            var candidate = await source.ReadAllAsync(timeout.Token);
            status.SourceAnswered();
            gate.Offer(candidate);
        }
        catch (Exception e) when (e is RuleSourceUnavailableException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            status.SourceFailed(e.Message);
            logger.LogWarning(
                "The rules source {Source} cannot be read at start-up ({Error}); serving {Rules}",
                source.Description,
                e.Message,
                registry.Provider.Current.AppliedAt is null ? "each section's defaults" : $"the last good rules from {lastGood.Path}");
        }

        if (registry.Provider.Current.AppliedAt is null)
        {
            gate.Offer(new CandidateRuleSet("defaults", new Dictionary<string, SourceDocument>()), keepAsLastGood: false);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await source.WatchAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
