namespace Marketplace.Platform;

/// <summary>An amount of money in one ISO 4217 currency.</summary>
/// <param name="Amount">The amount, rounded to the currency's minor unit.</param>
/// <param name="Currency">The ISO 4217 code, upper case (for example <c>EUR</c>, <c>JPY</c>).</param>
public readonly record struct Money(decimal Amount, string Currency)
{
    public static Money Of(decimal amount, string currency) =>
        new(Currencies.Round(amount, currency), Currencies.Normalize(currency));

    public static Money Zero(string currency) => new(0m, Currencies.Normalize(currency));

    public Money Add(Money other)
    {
        EnsureSameCurrency(other);
        return new Money(Amount + other.Amount, Currency);
    }

    /// <summary>Subtracts, never going below zero: no total in this system is negative.</summary>
    public Money SubtractFloorZero(Money other)
    {
        EnsureSameCurrency(other);
        return new Money(Math.Max(0m, Amount - other.Amount), Currency);
    }

    public Money Multiply(int quantity) => new(Currencies.Round(Amount * quantity, Currency), Currency);

    private void EnsureSameCurrency(Money other)
    {
        if (!string.Equals(Currency, other.Currency, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Cannot combine {Currency} with {other.Currency}.");
        }
    }

    public override string ToString() => $"{Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Currency}";
}

/// <summary>The ISO 4217 currencies the marketplace accepts, with their minor units.</summary>
public static class Currencies
{
    private static readonly Dictionary<string, int> MinorUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EUR"] = 2, ["USD"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["PLN"] = 2, ["SEK"] = 2, ["NOK"] = 2,
        ["DKK"] = 2, ["CZK"] = 2, ["RUB"] = 2, ["CAD"] = 2, ["AUD"] = 2, ["CNY"] = 2, ["INR"] = 2,
        ["JPY"] = 0, ["KRW"] = 0, ["ISK"] = 0, ["CLP"] = 0, ["VND"] = 0, ["HUF"] = 2,
        ["KWD"] = 3, ["BHD"] = 3, ["JOD"] = 3, ["TND"] = 3,
    };

    public static bool IsSupported(string? code) => code is { Length: 3 } && MinorUnits.ContainsKey(code);

    public static int MinorUnitsOf(string code) =>
        MinorUnits.TryGetValue(code, out var units) ? units : throw new ArgumentException($"Unsupported currency '{code}'.", nameof(code));

    public static string Normalize(string code) => code.ToUpperInvariant();

    /// <summary>Rounds half away from zero to the currency's minor unit, as shops print prices.</summary>
    public static decimal Round(decimal amount, string currency) =>
        Math.Round(amount, MinorUnitsOf(currency), MidpointRounding.AwayFromZero);

    /// <summary>True when the amount has no more decimals than the currency allows.</summary>
    public static bool FitsMinorUnits(decimal amount, string currency) =>
        IsSupported(currency) && decimal.Round(amount, MinorUnitsOf(currency)) == amount;
}
