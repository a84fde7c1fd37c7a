namespace Marketplace.Platform.Tests;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(10.005, "EUR", 10.01)]
    [InlineData(10.004, "EUR", 10.00)]
    [InlineData(1234.5, "JPY", 1235)]
    [InlineData(-2.5, "JPY", -3)]
    [InlineData(1.2345, "KWD", 1.235)]
    public void Amounts_round_half_away_from_zero_to_the_currency_minor_unit(decimal amount, string currency, decimal expected) =>
        Assert.Equal(expected, Money.Of(amount, currency).Amount);

    [Fact]
    public void Subtracting_more_than_the_amount_floors_at_zero()
    {
        var total = Money.Of(5m, "EUR").SubtractFloorZero(Money.Of(7.5m, "EUR"));
        Assert.Equal(Money.Zero("EUR"), total);
    }

    [Fact]
    public void Combining_two_currencies_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => Money.Of(1m, "EUR").Add(Money.Of(1m, "USD")));

    [Theory]
    [InlineData(19.99, "EUR", true)]
    [InlineData(19.999, "EUR", false)]
    [InlineData(100, "JPY", true)]
    [InlineData(100.5, "JPY", false)]
    [InlineData(1, "XXX", false)]
    public void Prices_may_not_carry_more_decimals_than_their_currency(decimal amount, string currency, bool fits) =>
        Assert.Equal(fits, Currencies.FitsMinorUnits(amount, currency));
}
