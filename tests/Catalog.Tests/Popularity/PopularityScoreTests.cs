using Marketplace.Catalog.Popularity;
using Marketplace.Catalog.Search;

namespace Marketplace.Catalog.Tests.Popularity;

public sealed class PopularityScoreTests
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static double Views(params (double Count, DateTimeOffset At)[] signals) =>
        signals.Aggregate(0.0, (score, s) => PopularityScore.Add(score, PopularityScore.Signal(s.Count, s.At, Week)));

    [Fact]
    public void Scores_order_products_by_views_decayed_to_now()
    {
        var tenThreeWeeksAgo = Views((10, Now.AddDays(-21)));
        var twoNow = Views((2, Now));
        var oneNowAndTwoAWeekAgo = Views((1, Now), (2, Now.AddDays(-7)));

        Assert.Equal(1.25, PopularityScore.WeightAt(tenThreeWeeksAgo, Now, Week), 9);
        Assert.Equal(2, PopularityScore.WeightAt(twoNow, Now, Week), 9);
        Assert.Equal(2, PopularityScore.WeightAt(oneNowAndTwoAWeekAgo, Now, Week), 9);
        Assert.True(twoNow > tenThreeWeeksAgo);
        Assert.Equal(twoNow, oneNowAndTwoAWeekAgo, 9);
    }

    [Fact]
    public void An_untouched_product_scores_zero_and_every_signal_raises_a_score()
    {
        var score = 0.0;
        for (var day = 0; day < 400; day += 13)
        {
            var raised = PopularityScore.Add(score, PopularityScore.Signal(1, Now.AddDays(day), Week));
            Assert.True(raised > score, $"A view on day {day} left the score at {score}.");
            score = raised;
        }

        Assert.Equal(0, PopularityScore.Of(0, Now, Week));
    }

    /// <summary>
    /// The paging cursor carries the score as a decimal that must convert back to the same double. The former linear
    /// scale passed decimal's range in November 2026 and pages skipped products; the logarithm stays small for ever,
    /// and its 17-digit values need the round-trip text conversion (decimal's own cast to double is an ulp off).
    /// </summary>
    [Theory]
    [InlineData(2026, 1)]
    [InlineData(2026, 1e9)]
    [InlineData(2126, 1e12)]
    public void Scores_stay_small_enough_for_an_exact_decimal_cursor(int year, double views)
    {
        var at = new DateTimeOffset(year, 12, 6, 0, 0, 0, TimeSpan.Zero);

        var score = PopularityScore.Of(views, at, Week);

        Assert.InRange(score, 0, 10_000);
        Assert.Equal(score, ExactNumbers.ToDouble(ExactNumbers.ToDecimal(score)));
        Assert.Equal(views, PopularityScore.WeightAt(score, at, Week), views * 1e-9);
    }

    [Fact]
    public void Cursor_keys_convert_back_to_the_same_double_where_a_decimal_cast_does_not()
    {
        var keys = Enumerable.Range(1, 2000).Select(i => 100 + (i / 7.0) + Math.Log2(i)).ToList();

        Assert.All(keys, key => Assert.Equal(key, ExactNumbers.ToDouble(ExactNumbers.ToDecimal(key))));
        Assert.Contains(keys, key => (double)ExactNumbers.ToDecimal(key) != key);
    }
}
