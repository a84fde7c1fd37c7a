namespace Marketplace.Pricing.Engine;

/// <summary>
/// Orders lines by what is left of them per unit, cheapest first, ties by line order: "get Y free" and bundles give
/// away the cheapest units. The buffers are sized to the cart once and reused by every rule that sorts.
/// </summary>
internal sealed class CheapestUnitsFirst(int lineCount)
{
    private readonly int[] _ordered = new int[lineCount];
    private readonly decimal[] _keys = new decimal[lineCount];

    /// <summary>
    /// <paramref name="lines"/> cheapest unit first. The result lives in this object's buffer: it holds until the next
    /// call.
    /// </summary>
    public ArraySegment<int> Order(ArraySegment<int> lines, LineLedger ledger)
    {
        var remaining = ledger.Remaining;
        var pricingLines = ledger.Lines;

        // An insertion sort over keys worked out once: carts are small and this runs per rule.
        for (var k = 0; k < lines.Count; k++)
        {
            var line = lines[k];
            var key = remaining[line] / pricingLines[line].Quantity;
            var at = k;
            while (at > 0 && _keys[at - 1] > key)
            {
                _keys[at] = _keys[at - 1];
                _ordered[at] = _ordered[at - 1];
                at--;
            }

            _keys[at] = key;
            _ordered[at] = line;
        }

        return new ArraySegment<int>(_ordered, 0, lines.Count);
    }
}
