using Marketplace.Platform.Caching;
using Marketplace.Platform.Telemetry;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Marketplace.Platform.Tests.Telemetry;

/// <summary>
/// The Redis client's metrics, on clients made as the host makes them (<c>AddMarketplaceCache</c>). The platform's meter
/// is one per process and other tests' clients count too, so each test reads a change it alone can cause.
/// </summary>
public sealed class RedisClientMetricsTests
{
    private static IConnectionMultiplexer Client(string connection)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = connection }).Build();
        return new ServiceCollection().AddMarketplaceCache(configuration).BuildServiceProvider().GetRequiredService<IConnectionMultiplexer>();
    }

    [Fact]
    public async Task Operations_sent_are_counted()
    {
        using var recorded = RecordedMeasurements.OfProcess(PlatformMetrics.MeterName);
        await using var client = (ConnectionMultiplexer)Client(TestEnvironment.Redis);
        await client.GetDatabase().PingAsync();
        recorded.Observe();
        var before = recorded.Values("marketplace.redis.operations")[^1];

        for (var i = 0; i < 25; i++)
        {
            await client.GetDatabase().PingAsync();
        }

        recorded.Observe();
        Assert.True(recorded.Values("marketplace.redis.operations")[^1] >= before + 25);
    }

    [Fact]
    public async Task A_client_that_cannot_connect_is_reported_disconnected()
    {
        using var recorded = RecordedMeasurements.OfProcess(PlatformMetrics.MeterName);
        await using var client = (ConnectionMultiplexer)Client("127.0.0.1:1,connectTimeout=200");

        recorded.Observe();

        Assert.False(client.IsConnected);
        Assert.Equal(0, recorded.Values("marketplace.redis.connected")[^1]);
    }

    /// <summary>Redis closes the client's connection (as a restart does): the drop is counted, and the client reconnects.</summary>
    [Fact]
    public async Task A_dropped_connection_is_counted_by_its_failure_type()
    {
        using var recorded = RecordedMeasurements.OfProcess(PlatformMetrics.MeterName);
        await using var client = (ConnectionMultiplexer)Client(TestEnvironment.Redis);
        var id = (long)await client.GetDatabase().ExecuteAsync("CLIENT", "ID");
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{TestEnvironment.Redis},allowAdmin=true");

        await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "ID", id);

        var failures = await Eventually.ReadAsync(() => Task.FromResult(recorded.Sum("marketplace.redis.connection_failures")), count => count > 0);
        Assert.True(failures > 0);
        Assert.NotEmpty(recorded.Values("marketplace.redis.connection_failures", ("failure_type", nameof(ConnectionFailureType.SocketClosed))));
        await Eventually.ReadAsync(() => Task.FromResult(client.IsConnected), connected => connected);
    }
}
