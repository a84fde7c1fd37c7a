using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.TestSupport;

/// <summary>
/// The system clock plus an offset the test moves forward: time that the host, its timers and the database all see
/// pass normally, and that jumps when a test needs a deadline or an expiry behind it.
/// </summary>
public sealed class ControlledClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>The real host with a <see cref="ControlledClock"/> as its time: for tests of expiries, without waiting for them.</summary>
public abstract class ClockedMarketplaceFactory : MarketplaceFactory
{
    public ControlledClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
