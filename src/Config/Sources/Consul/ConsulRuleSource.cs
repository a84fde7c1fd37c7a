using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Config.Sources.Consul;

/// <summary>
/// Rules in Consul KV: section <c>s</c> is the key <c>{prefix}/s</c>, its version the key's ModifyIndex. Changes
/// arrive through recursive blocking reads of the prefix, following Consul's advice on blocking queries: an index
/// that goes backwards resets the loop to a full read, an index below 1 is raised to 1, the loop is rate limited by
/// a token bucket, and failures back off exponentially with jitter.
/// </summary>
internal sealed class ConsulRuleSource(
    ConsulKvClient client,
    IOptions<ConfigOptions> options,
    RuleSectionRegistry registry,
    RuleSetGate gate,
    RulesStatus status,
    RulesMetrics metrics,
    TimeProvider clock,
    ILogger<ConsulRuleSource> logger) : IRuleSource
{
    private readonly ConsulOptions _consul = options.Value.Consul;

    private string Prefix => _consul.Prefix.Trim('/');

    public string Description => $"consul {client.Address} ({Prefix}/)";

    public async Task<CandidateRuleSet> ReadAllAsync(CancellationToken cancellationToken) =>
        ToCandidate(await client.ListAsync(Prefix + "/", 0, _consul.BlockingWait, cancellationToken));

    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, _consul.ReadBurst),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _consul.ReadReplenishPeriod,
            QueueLimit = 1,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        ulong index = 0;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            using var lease = await limiter.AcquireAsync(1, cancellationToken);
            try
            {
                var listing = await client.ListAsync(Prefix + "/", index, _consul.BlockingWait, cancellationToken);
                if (failures > 0)
                {
                    logger.LogInformation("Consul answers again after {Failures} failed reads", failures);
                }

                failures = 0;
                status.SourceAnswered();
                index = NextIndex(index, listing.Index);
                gate.Offer(ToCandidate(listing));
            }
            catch (RuleSourceUnavailableException e)
            {
                failures++;
                metrics.SourceError();
                status.SourceFailed(e.Message);

                // After an outage the agent may be another one, or restored from a snapshot: start again with a full read.
                index = 0;
                var delay = Backoff(failures);
                logger.LogWarning("Reading rules from Consul failed ({Failures} in a row), retrying in {Delay}; the rules in force stay: {Error}", failures, delay, e.Message);
                await Task.Delay(delay, clock, cancellationToken);
            }
        }
    }

    /// <summary>The index of the next blocking read, from the one just used and the one Consul returned.</summary>
    internal static ulong NextIndex(ulong previous, ulong returned) =>
        returned < previous ? 0 : Math.Max(returned, 1);

    /// <summary>Exponential backoff with equal jitter: half the step fixed, half random, so replicas do not retry in step.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var step = _consul.BackoffInitial * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = step > _consul.BackoffMax ? _consul.BackoffMax : step;
        return (capped / 2) + (capped / 2 * Random.Shared.NextDouble());
    }

    public async Task<SourceDocument> ReadSectionAsync(string section, CancellationToken cancellationToken)
    {
        var entry = await client.GetAsync(KeyOf(section), cancellationToken);
        return entry is null ? SourceDocument.Missing : ToDocument(entry);
    }

    public async Task<WriteOutcome> WriteAsync(string section, string text, string expectedVersion, CancellationToken cancellationToken)
    {
        var key = KeyOf(section);
        var current = await client.GetAsync(key, cancellationToken);
        var currentVersion = current is null ? SourceDocument.MissingVersion : Version(current);
        if (currentVersion != expectedVersion || !ulong.TryParse(expectedVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var cas))
        {
            return new WriteOutcome(false, currentVersion, null);
        }

        if (!await client.PutAsync(key, Encoding.UTF8.GetBytes(text), cas, cancellationToken))
        {
            var now = await client.GetAsync(key, cancellationToken);
            return new WriteOutcome(false, now is null ? SourceDocument.MissingVersion : Version(now), null);
        }

        var written = await client.GetAsync(key, cancellationToken);
        return new WriteOutcome(true, written is null ? SourceDocument.MissingVersion : Version(written), current is null ? null : ToDocument(current).Text);
    }

    // The blocking read delivers the write to every replica, this one included.
    public Task AfterWriteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string KeyOf(string section) => $"{Prefix}/{section}";

    private CandidateRuleSet ToCandidate(KvListing listing)
    {
        var byKey = listing.Entries.ToDictionary(e => e.Key, StringComparer.Ordinal);
        var documents = new Dictionary<string, SourceDocument>();
        foreach (var section in registry.Sections)
        {
            if (byKey.TryGetValue(KeyOf(section.Name), out var entry))
            {
                documents[section.Name] = ToDocument(entry);
            }
        }

        return new CandidateRuleSet(Description, documents);
    }

    private static string Version(KvEntry entry) => entry.ModifyIndex.ToString(CultureInfo.InvariantCulture);

    private static SourceDocument ToDocument(KvEntry entry) =>
        new(Version(entry), entry.Value is null ? "" : Encoding.UTF8.GetString(entry.Value).TrimStart('\uFEFF'));
}
