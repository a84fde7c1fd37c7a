using MassTransit;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;
using Marketplace.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Tests.Telemetry;

/// <summary>A message for the metered consumer; a poisoned one always fails.</summary>
public sealed record MeteredPing(bool Poisoned);

internal sealed class MeteredPingConsumer : IConsumer<MeteredPing>
{
    public Task Consume(ConsumeContext<MeteredPing> context) =>
        context.Message.Poisoned ? throw new InvalidOperationException("A message no retry can apply.") : Task.CompletedTask;
}

/// <summary>
/// Every receive endpoint on RabbitMQ is measured: the wait from publish to consumption once per delivery, each consume
/// attempt that threw (the retries included), and each message given up on and moved to the error queue.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class ConsumeMeterTests : IAsyncLifetime
{
    private const int Retries = 2;
    private readonly string _prefix = $"meter{Guid.NewGuid():N}"[..13];
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitMq,
            ["Messaging:EntityPrefix"] = _prefix,
            ["Messaging:Retry:Limit"] = Retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging:Retry:MinInterval"] = "00:00:00.010",
            ["Messaging:Retry:MaxInterval"] = "00:00:00.050",
            ["Messaging:Retry:IntervalDelta"] = "00:00:00.010",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Messaging().AddConsumers(bus => bus.AddConsumer<MeteredPingConsumer>());
        builder.Services.AddMarketplaceBus(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task Lag_is_measured_once_per_delivery_faults_per_attempt_and_a_spent_message_once_as_a_dead_letter()
    {
        using var recorded = RecordedMeasurements.OfProcess("Marketplace.Platform");
        var endpoint = new KebabCaseEndpointNameFormatter(_prefix, includeNamespace: false).Consumer<MeteredPingConsumer>();
        var bus = _host.Services.GetRequiredService<IBus>();

        await bus.Publish(new MeteredPing(Poisoned: false));
        await bus.Publish(new MeteredPing(Poisoned: true));

        await Eventually.ReadAsync(
            () => Task.FromResult(recorded.Sum("marketplace.messaging.dead_letters", ("endpoint", endpoint))),
            deadLetters => deadLetters == 1);
        Assert.Equal(Retries + 1, recorded.Sum("marketplace.messaging.consume_faults", ("endpoint", endpoint)));
        var lags = recorded.Values("marketplace.messaging.consume_lag", ("endpoint", endpoint));
        Assert.Equal(2, lags.Count);
        Assert.All(lags, lag => Assert.InRange(lag, 0, 60));
    }

    [Fact]
    public void A_per_replica_queue_is_labelled_without_its_instance_suffix()
    {
        Assert.Equal("product-detail-eviction", ConsumeMeter.EndpointOf(new Uri($"rabbitmq://localhost/product-detail-eviction-{HostInstance.Id}?temporary=true")));
        Assert.Equal("order-list-projector", ConsumeMeter.EndpointOf(new Uri("rabbitmq://localhost/marketplace/order-list-projector")));
    }
}
