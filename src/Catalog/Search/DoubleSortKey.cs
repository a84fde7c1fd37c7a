using System.Globalization;

namespace Marketplace.Catalog.Search;

/// <summary>
/// A double sort key (rating, popularity, relevance) travels in the paging cursor as a decimal, and the next page's
/// keyset bound must be the very same double, or rows at the page edge are skipped or repeated. Both conversions go
/// through the shortest round-trip text, because decimal's own conversion to double is not correctly rounded: it is
/// off by an ulp for ordinary values such as 100.57142857142857.
/// </summary>
internal static class DoubleSortKey
{
    /// <summary>The cursor's form of <paramref name="value"/>; keys outside decimal's range (no sort makes them) are clamped.</summary>
    public static decimal ToCursor(double value) =>
        value >= (double)decimal.MaxValue ? decimal.MaxValue
        : value <= (double)decimal.MinValue ? decimal.MinValue
        : decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The double that <see cref="ToCursor"/> made <paramref name="value"/> from.</summary>
    public static double FromCursor(decimal value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
