using System.Diagnostics;

namespace Marketplace.Delivery.Tests.Carriers.Cdek;

/// <summary>A CDEK that accepts connections and never answers costs a quote its timeouts, not the quote itself.</summary>
public sealed class CdekHangTests(CdekFactory factory) : IClassFixture<CdekFactory>
{
    private readonly CdekFactory _factory = factory;

    [Fact]
    public async Task When_CDEK_hangs_quotes_answer_with_the_rules_carrier_within_the_total_timeout()
    {
        await _factory.QuoteAsync(CdekFactory.Moscow);
        _factory.Cdek.Hang = true;
        try
        {
            var watch = Stopwatch.StartNew();
            var quote = await _factory.QuoteAsync(CdekFactory.Moscow);

            Assert.NotEmpty(quote.Sellers[0].Options);
            Assert.All(quote.Sellers[0].Options, o => Assert.Equal("rules", o.CarrierId));

            // Timeout 1 s per attempt, 5 s in all (CdekFactory): well under the quote's own patience.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"The quote took {watch.Elapsed}.");

            // Each attempt timed out and the tariff list, safe to repeat, was tried again.
            Assert.True(_factory.Cdek.CountOf("POST", "/v2/calculator/tarifflist") >= 3);
        }
        finally
        {
            _factory.Cdek.Hang = false;
        }
    }
}
