using System.Globalization;

namespace Marketplace.Checkout.Load;

/// <summary>Percentiles of a set of latencies, by the nearest-rank method (every value is one that was measured).</summary>
internal sealed class Latencies
{
    private readonly double[] _sorted;

    public Latencies(IEnumerable<double> milliseconds)
    {
        _sorted = milliseconds.ToArray();
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];

    public double Percentile(double p) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>Statuses (and problem codes) outside the expected ones, as <c>402:card_declined=3,500=1</c>.</summary>
    public static string Breakdown(IEnumerable<Outcome> outcomes) =>
        string.Join(",", outcomes
            .GroupBy(o => o.Code is null ? $"{o.Status}" : $"{o.Status}:{o.Code}")
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key}={g.Count()}"));
}

/// <summary>One machine-readable line, <c>KIND name=value …</c>, numbers in the invariant culture (what run scripts grep).</summary>
internal sealed class ResultLine(string kind)
{
    private readonly List<string> _fields = [kind];

    public ResultLine Add(string name, object? value)
    {
        var text = value switch
        {
            null => "-",
            double d => Latencies.Format(d),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        _fields.Add($"{name}={text}");
        return this;
    }

    public ResultLine AddWhen(bool condition, string name, object? value) => condition ? Add(name, value) : this;

    public override string ToString() => string.Join(' ', _fields);
}
