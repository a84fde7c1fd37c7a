using Marketplace.Platform;

namespace Marketplace.Payments.Ledger;

/// <summary>Money in the ledger's unit: whole minor units of its currency (cents), so that sums are exact.</summary>
internal static class MinorUnits
{
    public static long Of(decimal amount, string currency) => (long)decimal.Round(amount * Factor(currency), 0, MidpointRounding.ToEven);

    public static long Of(Money money) => Of(money.Amount, money.Currency);

    public static decimal ToAmount(long minor, string currency) => minor / Factor(currency);

    private static decimal Factor(string currency)
    {
        var factor = 1m;
        for (var i = Currencies.MinorUnitsOf(Currencies.Normalize(currency)); i > 0; i--)
        {
            factor *= 10m;
        }

        return factor;
    }
}
