using System.Globalization;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Conversions between double and decimal that give back the very number they were made from. A double sort key
/// (rating, popularity, relevance) travels in the paging cursor as a decimal, and the next page's keyset bound must be
/// the very same double, or rows at the page edge are skipped or repeated; a decimal filter bound must be the double
/// that parsing its text gives, as stored numbers were parsed. Both go through the shortest round-trip text, because
/// decimal's own conversion to double is not correctly rounded: it is off by an ulp for ordinary values such as
/// 100.57142857142857.
/// </summary>
internal static class ExactNumbers
{
    /// <summary>The decimal form of <paramref name="value"/>; values outside decimal's range (no sort makes them) are clamped.</summary>
    public static decimal ToDecimal(double value) =>
        value >= (double)decimal.MaxValue ? decimal.MaxValue
        : value <= (double)decimal.MinValue ? decimal.MinValue
        : decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The double whose text <paramref name="value"/> is (the one <see cref="ToDecimal"/> made it from).</summary>
    public static double ToDouble(decimal value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
