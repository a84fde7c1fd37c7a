using Marketplace.TestSupport;
using System.Diagnostics.Metrics;
using Marketplace.Config.Rules;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Config.Tests;

/// <summary>Rules from Consul through the configuration provider to IOptionsMonitor, with the double playing Consul.</summary>
public sealed class ConsulRuntimeRulesTests : IAsyncLifetime
{
    private const string Key = "marketplace/rules/test";
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

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

    private Task<RulesRig> StartRigAsync() => RulesRig.StartAsync(Options(), _directory.File("last-good.json"), _directory.File("unused"));

    [Fact]
    public async Task A_change_in_consul_reaches_the_options_monitor_within_a_second()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        Assert.Equal(Rounding.Nearest, rig.Rules.CurrentValue.Rounding);
        Assert.Equal(["a", "b"], rig.Rules.CurrentValue.Tags);
        await Task.Delay(200);

        _consul.Put(Key, TestDocuments.Rules(25, "spring"));

        var took = await rig.EventuallyAsync(r => r.Percent == 25, Second);
        Assert.Equal("spring", rig.Rules.CurrentValue.Label);
        Assert.True(took < Second, $"Took {took}.");
        Assert.Equal(_consul.ModifyIndexOf(Key).ToString(), rig.Status.Versions["test"]);
    }

    [Fact]
    public async Task An_invalid_change_is_rejected_and_the_last_good_rules_stay_with_a_metric_and_the_status_naming_it()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();
        using var rejections = new RejectionCounter(rig.MeterScope);
        var changes = 0;
        using var subscription = rig.Rules.OnChange(_ => changes++);

        var invalid = _consul.Put(Key, TestDocuments.Rules(150, "too much"));
        await WaitForAsync(() => rig.Status.LastRejection is not null, TimeSpan.FromSeconds(3));

        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        Assert.Equal(0, changes);
        var rejected = Assert.Single(rig.Status.LastRejection!.Sections);
        Assert.Equal("test", rejected.Section);
        Assert.Equal(invalid.ToString(), rejected.Version);
        Assert.Contains("Percent", rejected.Errors.Keys);
        Assert.Equal(1, rejections.Count("test"));

        // A document that is not even JSON is rejected the same way.
        _consul.Put(Key, "{ \"percent\": ");
        await WaitForAsync(() => rig.Status.LastRejection!.Sections.Single().Version != invalid.ToString(), TimeSpan.FromSeconds(3));
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);

        _consul.Put(Key, TestDocuments.Rules(12));
        await rig.EventuallyAsync(r => r.Percent == 12, Second);
    }

    [Fact]
    public async Task While_consul_is_down_the_last_good_rules_serve_and_changes_arrive_once_it_is_back()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using var rig = await StartRigAsync();

        await _consul.StopAsync();
        await WaitForAsync(() => !rig.Status.SourceReachable, TimeSpan.FromSeconds(5));
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);
        _consul.Put(Key, TestDocuments.Rules(30));
        await Task.Delay(500);
        Assert.Equal(10, rig.Rules.CurrentValue.Percent);

        await _consul.StartAsync();
        await rig.EventuallyAsync(r => r.Percent == 30, TimeSpan.FromSeconds(3));
        Assert.True(rig.Status.SourceReachable);
    }

    [Fact]
    public async Task A_cold_start_while_consul_is_down_serves_the_last_good_rules_kept_on_disk()
    {
        _consul.Put(Key, TestDocuments.Rules(10));
        await using (var first = await StartRigAsync())
        {
            _consul.Put(Key, TestDocuments.Rules(40, "kept"));
            await first.EventuallyAsync(r => r.Percent == 40, Second);
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
        await Task.Delay(200);

        _consul.RestoreSnapshotAt(5);
        _consul.Put(Key, TestDocuments.Rules(55));
        await rig.EventuallyAsync(r => r.Percent == 55, TimeSpan.FromSeconds(5));

        // The loop blocks again on the new, lower index rather than missing later changes.
        _consul.Put(Key, TestDocuments.Rules(56));
        await rig.EventuallyAsync(r => r.Percent == 56, Second);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan within)
    {
        var started = DateTime.UtcNow;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow - started < within, $"Not true within {within}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Counts <c>marketplace.rules.rejected</c> by section.</summary>
    private sealed class RejectionCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        public RejectionCounter(object scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RulesMetrics.MeterName && instrument.Name == "marketplace.rules.rejected" && instrument.Meter.Scope == scope)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
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
