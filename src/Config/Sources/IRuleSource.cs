using Marketplace.Config.Rules;

namespace Marketplace.Config.Sources;

/// <summary>The outcome of a check-and-set write of one section.</summary>
/// <param name="Written">False when the section changed since the expected version (nothing was written).</param>
/// <param name="Version">After a write, the section's new version; otherwise its current one.</param>
/// <param name="PreviousText">The document the write replaced (null when there was none).</param>
internal sealed record WriteOutcome(bool Written, string Version, string? PreviousText);

/// <summary>Where rule documents live: Consul KV in production, JSON files in the embedded profile.</summary>
internal interface IRuleSource
{
    /// <summary>For logs and the system endpoint, e.g. <c>consul http://consul:8500 (marketplace/rules/)</c>.</summary>
    string Description { get; }

    /// <summary>One read of every declared section.</summary>
    Task<CandidateRuleSet> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Offers every change of the source to the gate until cancelled; survives the source being down.</summary>
    Task WatchAsync(CancellationToken cancellationToken);

    /// <summary>The section as the source holds it now (which may be newer than, or rejected against, the rules in force).</summary>
    Task<SourceDocument> ReadSectionAsync(string section, CancellationToken cancellationToken);

    /// <summary>Writes the section only if its version is still <paramref name="expectedVersion"/>.</summary>
    Task<WriteOutcome> WriteAsync(string section, string text, string expectedVersion, CancellationToken cancellationToken);

    /// <summary>Called after a successful write, so this host sees it at once where the source does not push it.</summary>
    Task AfterWriteAsync(CancellationToken cancellationToken);
}

/// <summary>The source could not be read or written: Consul down, timed out or answering an error; a file unreadable.</summary>
internal sealed class RuleSourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
