using Marketplace.TestSupport;
using System.Diagnostics.Metrics;
using Marketplace.Config.Rules;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Config.Tests.Sources.Consul;

/// <summary>Rules from Consul through the configuration provider to IOptionsMonitor, with the double playing Consul.</summary>
public sealed class ConsulRuntimeRulesTests : IAsyncLifetime
{
    private const string Key = "marketplace/rules/test";

    private readonly TempDirectory _directory = new();
    private ConsulKvDouble _consul = null!;

    public async Task InitializeAsync() => _consul = await ConsulKvDouble.StartNewAsync();

    public async Task DisposeAsync()
    {
        await _consul.DisposeAsync();
        _directory.Dispose();
    }

    private ConfigOptions Options() => new()
    {
        // Generous: a slow first read would start on defaults, which some tests do not expect.
        StartupReadTimeout = TimeSpan.FromSeconds(10),
        Consul = new ConsulOptions
        {
            Address = _consul.Address,
            BlockingWait = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
            BackoffInitial = TimeSpan.FromMilliseconds(100),
            BackoffMax = TimeSpan.FromMilliseconds(300),
        },
    };

    private Task<RulesRig> StartRigAsync() => RulesRig.StartAsync(Options(), LastGoodPath, _directory.File("unused"));

    [Fact]
    public async Task A_change_in_consul_reaches_the_options_monitor_within_a_second()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        Assert.Equal(Rounding.Nearest, rig.Rules.CurrentValue.Rounding);
        Assert.Equal(["a", "b"], rig.Rules.CurrentValue.Tags);
        await UntilWatchBlocksAsync(0);

        _consul.Put(Key, TestDocuments.Rules(25, "spring"));

        var took = await rig.EventuallyAsync(r => r.Percent == 25, Deadlines.PromisedSecond);
        Assert.Equal("spring", rig.Rules.CurrentValue.Label);
        Assert.True(took < Deadlines.PromisedSecond, $"Took {took}.");
        Assert.Equal(_consul.ModifyIndexOf(Key).ToString(), rig.Status.Versions["test"]);
    }

    [Fact]
    public async Task An_invalid_change_is_rejected_and_the_last_good_rules_stay_with_a_metric_and_the_status_naming_it()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        using var rejections = new RulesCounter(rig.MeterScope, "marketplace.rules.rejected");
        var changes = 0;
        using var subscription = rig.Rules.OnChange(_ => changes++);

        var invalid = _consul.Put(Key, TestDocuments.Rules(150, "too much"));
        await rig.UntilAsync(s => s.LastRejection is not null, Deadlines.Generous, "the invalid change rejected");

        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        Assert.Equal(0, changes);
        var rejected = Assert.Single(rig.Status.LastRejection!.Sections);
        Assert.Equal("test", rejected.Section);
        Assert.Equal(invalid.ToString(), rejected.Version);
        Assert.Contains("Percent", rejected.Errors.Keys);
        Assert.Equal(1, rejections.Count("test"));

        // A document that is not even JSON is rejected the same way.
        _consul.Put(Key, "{ \"percent\": ");
        await rig.UntilAsync(s => s.LastRejection!.Sections.Single().Version != invalid.ToString(), Deadlines.Generous, "the unreadable change rejected");
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);

        _consul.Put(Key, TestDocuments.Rules(12));
        await rig.EventuallyAsync(r => r.Percent == 12, Deadlines.Generous);
    }

    [Fact]
    public async Task While_consul_is_down_the_last_good_rules_serve_and_changes_arrive_once_it_is_back()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        using var failedReads = new RulesCounter(rig.MeterScope, "marketplace.rules.source.errors");

        await _consul.StopAsync();
        await rig.UntilAsync(s => !s.SourceReachable, Deadlines.Generous, "the outage noticed");
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        _consul.Put(Key, TestDocuments.Rules(30));

        // A read attempted after the change and failed: the change was not missed by looking too early.
        var failed = failedReads.Total;
        var later = await Eventually.ReadAsync(() => Task.FromResult(failedReads.Total), total => total > failed, Deadlines.Generous);
        Assert.True(later > failed, "No read was attempted during the outage.");
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);

        await _consul.StartAsync();
        await rig.EventuallyAsync(r => r.Percent == 30, Deadlines.Generous);
        Assert.True(rig.Status.SourceReachable);
    }

    [Fact]
    public async Task A_cold_start_while_consul_is_down_serves_the_last_good_rules_kept_on_disk()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using (var first = await StartRigAsync())
        {
            _consul.Put(Key, TestDocuments.Rules(40, "kept"));
            await first.EventuallyAsync(r => r.Percent == 40, Deadlines.Generous);
        }

        await _consul.StopAsync();
        await using var second = await StartRigAsync();

        Assert.Equal(40, second.Rules.CurrentValue.Percent);
        Assert.Equal("kept", second.Rules.CurrentValue.Label);
        Assert.False(second.Status.SourceReachable);
        Assert.StartsWith("last good", second.Status.AppliedFrom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_index_goes_backwards_the_watch_starts_over_and_still_sees_changes()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        for (var i = 0; i < 5; i++)
        {
            _consul.Put("marketplace/rules/other", $"{{\"n\":{i}}}");
        }

        await using var rig = await StartRigAsync();
        await UntilWatchBlocksAsync(0);

        _consul.RestoreSnapshotAt(5);
        _consul.Put(Key, TestDocuments.Rules(55));
        await rig.EventuallyAsync(r => r.Percent == 55, Deadlines.Generous);

        // The loop blocks again on the new, lower index rather than missing later changes.
        var blocked = _consul.BlockedReads;
        await UntilWatchBlocksAsync(blocked);
        _consul.Put(Key, TestDocuments.Rules(56));
        await rig.EventuallyAsync(r => r.Percent == 56, Deadlines.PromisedSecond);
    }

    [Fact]
    public async Task A_key_deleted_from_consul_is_rejected_and_the_last_good_rules_and_their_copy_on_disk_stay_until_an_empty_document_clears_them()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        using var rejections = new RulesCounter(rig.MeterScope, "marketplace.rules.rejected");
        var kept = await File.ReadAllBytesAsync(LastGoodPath);
        var inForce = rig.Status.Versions["test"];

        Assert.True(_consul.Delete(Key));

        var status = await rig.UntilAsync(s => s.LastRejection?.Sections.Any(r => r.Section == "test") == true, Deadlines.Generous, "the vanished key rejected");
        var rejected = Assert.Single(status.LastRejection!.Sections);
        Assert.Equal("0", rejected.Version);
        Assert.Contains("{}", rejected.Errors["$"].Single(), StringComparison.Ordinal);
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        Assert.Equal(inForce, status.Versions["test"]);
        Assert.Equal(1, rejections.Count("test"));
        Assert.Equal(kept, await File.ReadAllBytesAsync(LastGoodPath));

        // Only an explicit empty document clears the section.
        _consul.Put(Key, "{}");
        await rig.EventuallyAsync(r => r.Percent == 0 && r.Label == "", Deadlines.Generous);
        Assert.Contains("\"text\": \"{}\"", await File.ReadAllTextAsync(LastGoodPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_narrowed_so_that_it_cannot_read_the_key_keeps_the_last_good_rules_and_reports_the_rejection()
    {
        _consul.SetToken("rules-reader", new KeyRule("marketplace/rules/", KeyAccess.Read));
        _consul.Put(Key, TestDocuments.Rules(10));
        _consul.Put("marketplace/rules/other", "{}");
        var options = Options();
        options.Consul.Token = "rules-reader";
        await using var rig = await RulesRig.StartAsync(options, LastGoodPath, _directory.File("unused"));
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        var kept = await File.ReadAllBytesAsync(LastGoodPath);

        // Consul answers the narrowed token with a listing without the key (then a 404), not with an error.
        _consul.SetToken("rules-reader", new KeyRule("marketplace/rules/other", KeyAccess.Read));

        var status = await rig.UntilAsync(s => s.LastRejection?.Sections.Any(r => r.Section == "test") == true, Deadlines.Generous, "the hidden key rejected");
        Assert.True(status.SourceReachable);
        Assert.Equal("0", status.LastRejection!.Sections.Single().Version);
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        Assert.Equal(kept, await File.ReadAllBytesAsync(LastGoodPath));

        // With the key readable again, the rules in force and the source agree once more.
        _consul.SetToken("rules-reader", new KeyRule("marketplace/rules/", KeyAccess.Read));
        _consul.Put(Key, TestDocuments.Rules(11));
        await rig.EventuallyAsync(r => r.Percent == 11, Deadlines.Generous);
    }

    private string LastGoodPath => _directory.File("last-good.json");

    /// <summary>Waits until the watch has started a blocking read beyond the <paramref name="before"/> already counted.</summary>
    private async Task UntilWatchBlocksAsync(int before)
    {
        var blocked = await Eventually.ReadAsync(() => Task.FromResult(_consul.BlockedReads), count => count > before, Deadlines.Generous);
        Assert.True(blocked > before, "The watch never started a blocking read.");
    }

    /// <summary>Counts one counter of the rules meter, in total and by section.</summary>
    private sealed class RulesCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];
        private long _total;

        public RulesCounter(object scope, string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RulesMetrics.MeterName && instrument.Name == instrumentName && instrument.Meter.Scope == scope)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                Interlocked.Add(ref _total, value);
                foreach (var tag in tags)
                {
                    if (tag.Key == "section")
                    {
                        lock (_counts)
                        {
                            _counts[(string)tag.Value!] = _counts.GetValueOrDefault((string)tag.Value!) + value;
                        }
                    }
                }
            });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public long Count(string section)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(section);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
