using Marketplace.Delivery.Contracts;

namespace Marketplace.Delivery.Tests.Carriers.Cdek;

/// <summary>CDEK going down does not take quotes down: its options drop out, the rules carrier still answers.</summary>
public sealed class CdekBreakerTests(CdekBreakerFactory factory) : IClassFixture<CdekBreakerFactory>
{
    private readonly CdekBreakerFactory _factory = factory;

    [Fact]
    public async Task When_CDEK_fails_repeatedly_the_breaker_opens_and_quotes_keep_the_rules_carrier_without_calling_CDEK()
    {
        var healthy = await _factory.QuoteAsync(CdekFactory.Moscow);
        Assert.Contains(healthy.Sellers[0].Options, o => o.CarrierId == "cdek");

        _factory.Cdek.Down = true;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var degraded = await _factory.QuoteAsync(CdekFactory.Moscow);
                Assert.NotEmpty(degraded.Sellers[0].Options);
                Assert.All(degraded.Sellers[0].Options, o => Assert.Equal("rules", o.CarrierId));
            }

            // Open now: the next quote does not reach CDEK at all.
            var calls = _factory.Cdek.Calls.Count;
            var open = await _factory.QuoteAsync(CdekFactory.Moscow);

            Assert.All(open.Sellers[0].Options, o => Assert.Equal("rules", o.CarrierId));
            Assert.Equal(calls, _factory.Cdek.Calls.Count);
            await Assert.ThrowsAsync<CarrierUnavailableException>(() => _factory.WithCarrierAsync(c => c.TrackAsync("1100000001", CancellationToken.None)));
        }
        finally
        {
            _factory.Cdek.Down = false;
        }
    }
}
