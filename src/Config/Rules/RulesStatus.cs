using Marketplace.Platform.Hosting;

namespace Marketplace.Config.Rules;

/// <summary>A change that failed validation and was not applied.</summary>
/// <param name="At">When it was rejected.</param>
/// <param name="Source">Where it was read from.</param>
/// <param name="Sections">Each invalid section with its version and its failures by field.</param>
internal sealed record RuleRejection(DateTimeOffset At, string Source, IReadOnlyList<RejectedSection> Sections);

internal sealed record RejectedSection(string Section, string Version, IDictionary<string, string[]> Errors);

/// <summary>What <c>/api/v1/system</c> shows for the rules.</summary>
internal sealed record RulesStatusReport(
    string Source,
    bool SourceReachable,
    string? SourceError,
    string AppliedFrom,
    DateTimeOffset? LastAppliedAt,
    IReadOnlyDictionary<string, string> Versions,
    RuleRejection? LastRejection);

/// <summary>The live state of the runtime rules: where they come from, what is in force, the last rejection.</summary>
internal sealed class RulesStatus(RuntimeRulesProvider provider) : IComponentStatus
{
    private volatile RuleRejection? _lastRejection;
    private volatile string? _sourceError;

    public string Component => "rules";

    public string Source { get; set; } = "none";

    public RuleRejection? LastRejection => _lastRejection;

    public void Rejected(RuleRejection rejection) => _lastRejection = rejection;

    public void SourceFailed(string error) => _sourceError = error;

    public void SourceAnswered() => _sourceError = null;

    public object Report()
    {
        var current = provider.Current;
        return new RulesStatusReport(
            Source,
            _sourceError is null,
            _sourceError,
            current.Source,
            current.AppliedAt,
            current.Sections.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToDictionary(s => s.Name, s => s.Version),
            _lastRejection);
    }
}
