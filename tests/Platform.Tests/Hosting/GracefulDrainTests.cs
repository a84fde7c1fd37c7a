using System.Net;
using Marketplace.Platform.Hosting;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Platform.Tests.Hosting;

/// <summary>A host whose stop drains for a minute: longer than the test needs, which ends the drain itself.</summary>
public sealed class DrainingHost : MarketplaceFactory
{
    public DrainingHost() => Settings["Host:DrainDelay"] = "00:01:00";
}

/// <summary>
/// A stopping host leaves the balancer before it closes its listener: readiness turns 503 at once, while requests are
/// still served, each telling the balancer to close its connection; only after the drain delay does the stop go on.
/// </summary>
public sealed class GracefulDrainTests(DrainingHost host) : IClassFixture<DrainingHost>
{
    [Fact]
    public async Task A_stopping_host_turns_unready_and_keeps_serving_with_connection_close_until_the_drain_ends()
    {
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var drain = host.Services.GetRequiredService<ShutdownDrain>();
        using var endDrain = new CancellationTokenSource();

        var stopping = drain.StoppingAsync(endDrain.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        var served = await client.GetAsync("/api/v1/categories");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.True(served.Headers.ConnectionClose);
        Assert.False(stopping.IsCompleted);

        await endDrain.CancelAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
