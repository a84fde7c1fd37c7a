using Marketplace.Platform.Hosting;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Platform.Tests.Hosting;

/// <summary>
/// A replica reads its own storefront routes through its real listener before it reports ready, so that a balancer
/// that waits for readiness does not hand a cold process a full share of traffic.
/// </summary>
public sealed class StartupWarmUpTests
{
    [Fact]
    public async Task Readiness_waits_until_every_path_was_read_through_the_listener_each_round()
    {
        var hits = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Host:WarmUp:Paths:0"] = "/first?x=1",
            ["Host:WarmUp:Paths:1"] = "/second",
            ["Host:WarmUp:Rounds"] = "7",
        });
        builder.Services.AddStartupWarmUp(builder.Configuration);
        await using var app = builder.Build();
        app.MapGet("/first", () => hits.AddOrUpdate("first", 1, (_, n) => n + 1));
        app.MapGet("/second", () => hits.AddOrUpdate("second", 1, (_, n) => n + 1));
        var warmUp = app.Services.GetRequiredService<StartupWarmUp>();
        var context = new HealthCheckContext();

        Assert.Equal(HealthStatus.Unhealthy, (await warmUp.CheckHealthAsync(context)).Status);
        await app.StartAsync();
        await Eventually.ReadAsync(async () => (await warmUp.CheckHealthAsync(context)).Status, status => status == HealthStatus.Healthy);

        Assert.Equal(7, hits["first"]);
        Assert.Equal(7, hits["second"]);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://0.0.0.0:5101", "http://127.0.0.1:5101/")]
    [InlineData("http://[::]:80", "http://127.0.0.1/")]
    [InlineData("http://127.0.0.1:5102", "http://127.0.0.1:5102/")]
    public void A_wildcard_listener_is_reached_on_loopback(string address, string expected) =>
        Assert.Equal(expected, StartupWarmUp.Loopback(address).ToString());
}
