using System.Diagnostics.Metrics;

namespace Marketplace.Config.Rules;

/// <summary>Counters of rule changes: applied, rejected by validation, and failed reads of the source.</summary>
internal sealed class RulesMetrics
{
    public const string MeterName = "Marketplace.Config";

    private readonly Counter<long> _applied;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _sourceErrors;

    public RulesMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _applied = meter.CreateCounter<long>("marketplace.rules.applied", description: "Rule sets that passed validation and took effect");
        _rejected = meter.CreateCounter<long>("marketplace.rules.rejected", description: "Rule sections whose change failed validation and was not applied");
        _sourceErrors = meter.CreateCounter<long>("marketplace.rules.source.errors", description: "Failed reads of the rules source (Consul or files)");
    }

    /// <summary>
    /// Counts a rule set taking effect. Where it came from is not a label: the source's description names a path or a
    /// save time, and every new value would be a new series; the rules status endpoint says where the rules came from.
    /// </summary>
    public void Applied() => _applied.Add(1);

    public void Rejected(string section) => _rejected.Add(1, new KeyValuePair<string, object?>("section", section));

    public void SourceError() => _sourceErrors.Add(1);
}
