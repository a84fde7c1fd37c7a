namespace Marketplace.Catalog.Popularity;

/// <summary>
/// How <c>products.popularity</c> is stored: exponentially decayed signals, kept as a base-2 logarithm so that the
/// number never grows out of range. A signal of weight w at time t counts w·2^e(t), where e(t) is the number of
/// half-lives since <see cref="Epoch"/>; a product's score is log2(1 + the sum of its signals). Ordering by the stored
/// number is ordering by decayed popularity, no old row is ever rewritten to decay it, and the number grows by one per
/// half-life of activity (about 52 a year at a week), so it stays small, exact in a decimal cursor, and far inside
/// double range for ever. The "1 +" is a signal at the epoch that every product starts with: an untouched product
/// scores 0, and no score is ever negative.
/// </summary>
internal static class PopularityScore
{
    /// <summary>The instant the exponents count from.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The half-life a catalog gets unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultHalfLife = TimeSpan.FromDays(7);

    /// <summary>
    /// Adds the signal <paramref name="signal"/> (a log2 like the score) to <paramref name="score"/>: log2(2^a + 2^b),
    /// computed without leaving double range. Past a difference of 64 the smaller one is below double precision.
    /// </summary>
    public static double Add(double score, double signal) =>
        Math.Max(score, signal) + Math.Log2(1 + Math.Pow(2, -Math.Min(Math.Abs(score - signal), 64)));

    /// <summary><see cref="Add"/> in PostgreSQL, of a signal <c>v.signal</c> to the score <c>p.popularity</c>.</summary>
    public const string AddSignalSql =
        "GREATEST(p.popularity, v.signal) + ln(1 + power(2::float8, -LEAST(abs(p.popularity - v.signal), 64))) / ln(2::float8)";

    /// <summary>Half-lives from <see cref="Epoch"/> to <paramref name="at"/>.</summary>
    public static double Exponent(DateTimeOffset at, TimeSpan halfLife) => (at - Epoch) / halfLife;

    /// <summary>The log2 of signals of total weight <paramref name="weight"/> (positive) made at <paramref name="at"/>.</summary>
    public static double Signal(double weight, DateTimeOffset at, TimeSpan halfLife) => Math.Log2(weight) + Exponent(at, halfLife);

    /// <summary>The score of a product whose signals, decayed to <paramref name="at"/>, weigh <paramref name="weight"/>.</summary>
    public static double Of(double weight, DateTimeOffset at, TimeSpan halfLife) =>
        weight > 0 ? Add(0, Signal(weight, at, halfLife)) : 0;

    /// <summary>The weight of the signals behind <paramref name="score"/>, decayed to <paramref name="at"/> (so, in views, "as many as now").</summary>
    public static double WeightAt(double score, DateTimeOffset at, TimeSpan halfLife)
    {
        var exponent = Exponent(at, halfLife);
        return Math.Pow(2, score - exponent) - Math.Pow(2, -exponent);
    }
}
