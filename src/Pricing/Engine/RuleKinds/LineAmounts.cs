namespace Marketplace.Pricing.Engine;

/// <summary>
/// An amount for each of some lines of the cart. The amounts sit in a buffer indexed by line that every rule of one
/// pricing reuses, so handing them from step to step allocates nothing.
/// </summary>
internal readonly struct LineAmounts
{
    public LineAmounts(ArraySegment<int> lines, decimal[] byLine)
    {
        Lines = lines;
        ByLine = byLine;
    }

    /// <summary>The lines that have an amount, ascending.</summary>
    public ArraySegment<int> Lines { get; }

    /// <summary>The buffer, indexed by line; only the entries of <see cref="Lines"/> mean anything.</summary>
    public decimal[] ByLine { get; }

    public decimal this[int line]
    {
        get => ByLine[line];
        set => ByLine[line] = value;
    }
}
