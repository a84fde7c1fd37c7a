using Marketplace.Platform.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Marketplace.TestSupport;

namespace Marketplace.Platform.Tests;

/// <summary>The embedded host, configured by the test before it starts.</summary>
public sealed class EmbeddedHost() : MarketplaceFactory(TestProfile.Embedded);

/// <summary>Rate limits, outbox and bus timings are options: a wrong one stops start-up and names the setting.</summary>
public sealed class LimitSettingsTests
{
    private static async Task<Exception> StartRefusedAsync(Dictionary<string, string?> settings)
    {
        await using var host = new EmbeddedHost();
        var lifetime = (IAsyncLifetime)host;
        await lifetime.InitializeAsync();
        try
        {
            foreach (var (key, value) in settings)
            {
                host.Settings[key] = value;
            }

            return await Assert.ThrowsAnyAsync<Exception>(() => Task.FromResult(host.CreateClient()));
        }
        finally
        {
            await lifetime.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_rate_limit_of_no_permits_refuses_to_start_and_names_the_setting()
    {
        var error = await StartRefusedAsync(new() { ["RateLimits:bulk:PermitLimit"] = "0" });

        Assert.Contains("RateLimits:bulk:PermitLimit (or Api:BulkRequestsPerMinute) must be a whole number above 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_per_minute_setting_that_is_no_number_refuses_to_start_and_names_it()
    {
        var error = await StartRefusedAsync(new() { ["Cart:GuestRequestsPerMinute"] = "lots" });

        Assert.Contains("RateLimits:cart-guest:PermitLimit (or Cart:GuestRequestsPerMinute)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limit_window_of_zero_refuses_to_start_and_names_the_setting()
    {
        var error = await StartRefusedAsync(new() { ["RateLimits:global:Window"] = "00:00:00" });

        Assert.Contains("RateLimits:global:Window must be above zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outbox_backoff_ceiling_below_its_floor_refuses_to_start_and_names_the_settings()
    {
        var error = await StartRefusedAsync(new() { ["Messaging:Outbox:MinBackoff"] = "00:00:05", ["Messaging:Outbox:MaxBackoff"] = "00:00:01" });

        Assert.Contains("Messaging:Outbox:MinBackoff must be above zero and MaxBackoff at least MinBackoff", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outbox_purge_interval_of_zero_refuses_to_start_and_names_the_setting()
    {
        var error = await StartRefusedAsync(new() { ["Messaging:Outbox:PurgeInterval"] = "00:00:00" });

        Assert.Contains("Messaging:Outbox:PurgeInterval must be above zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_retry_ceiling_below_its_floor_refuses_to_start_and_names_the_settings()
    {
        var error = await StartRefusedAsync(new() { ["Messaging:Retry:MinInterval"] = "00:00:05", ["Messaging:Retry:MaxInterval"] = "00:00:01" });

        Assert.Contains("Messaging:Retry:MinInterval and IntervalDelta must be above zero and MaxInterval at least MinInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bus_stop_timeout_of_zero_refuses_to_start_and_names_the_setting()
    {
        var error = await StartRefusedAsync(new() { ["Messaging:StopTimeout"] = "00:00:00" });

        Assert.Contains("Messaging:StopTimeout must be above zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trace_export_delay_of_zero_refuses_to_start_and_names_the_setting()
    {
        var error = await StartRefusedAsync(new() { ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4318", ["Telemetry:TraceExportDelay"] = "00:00:00" });

        Assert.Contains("Telemetry:TraceExportDelay must be above zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bus_start_and_stop_timeouts_come_from_settings()
    {
        await using var host = new EmbeddedHost();
        var lifetime = (IAsyncLifetime)host;
        await lifetime.InitializeAsync();
        host.Settings["Messaging:StartTimeout"] = "00:00:42";
        host.Settings["Messaging:StopTimeout"] = "00:00:07";
        host.CreateClient().Dispose();

        var bus = host.Services.GetRequiredService<IOptions<MassTransitHostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(42), bus.StartTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), bus.StopTimeout);
        await lifetime.DisposeAsync();
    }

    [Fact]
    public void The_outbox_relay_backs_off_from_its_configured_floor_doubling_up_to_its_ceiling()
    {
        var options = new OutboxOptions { MinBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(5) };

        var waits = Enumerable.Range(1, 5).Select(options.BackoffAfter).ToList();

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], waits);
    }
}
