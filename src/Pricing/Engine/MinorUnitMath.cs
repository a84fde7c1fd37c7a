namespace Marketplace.Pricing.Engine;

/// <summary>Arithmetic in a currency's minor units, where a discount must never exceed what it is taken from.</summary>
internal static class MinorUnitMath
{
    /// <summary>Rounds a non-negative amount down to the minor unit: a cap rounded up would let a discount exceed it.</summary>
    public static decimal Floor(decimal amount, int minorUnits) => Math.Round(amount, minorUnits, MidpointRounding.ToZero);

    /// <summary>
    /// Splits <paramref name="total"/> over the lines in <paramref name="indices"/> in proportion to their weights,
    /// in whole minor units, by largest remainder: the shares add up to the total exactly, and when the total is at
    /// most the sum of the weights no share exceeds its weight rounded up. Ties go to the earlier line, so the split
    /// is the same on every run.
    /// </summary>
    public static void Spread(decimal total, ReadOnlySpan<int> indices, decimal[] weights, decimal[] shares, int minorUnits)
    {
        var scale = Pow10(minorUnits);
        var count = indices.Length;
        var weightSum = 0m;
        foreach (var line in indices)
        {
            weightSum += weights[line];
        }

        if (total <= 0m || weightSum <= 0m)
        {
            foreach (var line in indices)
            {
                shares[line] = 0m;
            }

            return;
        }

        var totalUnits = Math.Round(total * scale, 0, MidpointRounding.ToZero);
        Span<decimal> units = count <= 64 ? stackalloc decimal[count] : new decimal[count];
        Span<decimal> remainders = count <= 64 ? stackalloc decimal[count] : new decimal[count];
        var handedOut = 0m;
        for (var k = 0; k < count; k++)
        {
            var exact = totalUnits * weights[indices[k]] / weightSum;
            units[k] = Math.Floor(exact);
            remainders[k] = exact - units[k];
            handedOut += units[k];
        }

        // Decimal division keeps 28 digits, so the floors can overshoot by a unit in pathological splits: take it
        // back from the smallest remainders.
        while (handedOut > totalUnits && Pick(remainders, units, largest: false) is var smallest and >= 0)
        {
            units[smallest] -= 1m;
            remainders[smallest] = decimal.MaxValue;
            handedOut -= 1m;
        }

        // Fewer units are left over than there are lines: one each to the largest remainders, earlier lines first.
        while (handedOut < totalUnits)
        {
            var largest = Pick(remainders, units, largest: true);
            units[largest] += 1m;
            remainders[largest] = -1m;
            handedOut += 1m;
        }

        for (var k = 0; k < count; k++)
        {
            shares[indices[k]] = units[k] / scale;
        }
    }

    /// <summary>The position of the largest (or smallest, among those holding a unit) remainder; ties go to the earlier line.</summary>
    private static int Pick(Span<decimal> remainders, Span<decimal> units, bool largest)
    {
        var best = -1;
        for (var k = 0; k < remainders.Length; k++)
        {
            var better = best < 0 || (largest ? remainders[k] > remainders[best] : remainders[k] < remainders[best]);
            if (better && (largest || units[k] > 0m))
            {
                best = k;
            }
        }

        return best;
    }

    private static decimal Pow10(int exponent)
    {
        var value = 1m;
        for (var k = 0; k < exponent; k++)
        {
            value *= 10m;
        }

        return value;
    }
}
