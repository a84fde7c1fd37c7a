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
    public static void Spread(decimal total, IReadOnlyList<int> indices, decimal[] weights, decimal[] shares, int minorUnits)
    {
        var scale = Pow10(minorUnits);
        var count = indices.Count;
        var weightSum = 0m;
        for (var k = 0; k < count; k++)
        {
            weightSum += weights[indices[k]];
        }

        if (total <= 0m || weightSum <= 0m)
        {
            for (var k = 0; k < count; k++)
            {
                shares[indices[k]] = 0m;
            }

            return;
        }

        var totalUnits = Math.Round(total * scale, 0, MidpointRounding.ToZero);
        var units = new decimal[count];
        var remainders = new decimal[count];
        var handedOut = 0m;
        for (var k = 0; k < count; k++)
        {
            var exact = totalUnits * weights[indices[k]] / weightSum;
            units[k] = Math.Floor(exact);
            remainders[k] = exact - units[k];
            handedOut += units[k];
        }

        var order = new int[count];
        for (var k = 0; k < count; k++)
        {
            order[k] = k;
        }

        Array.Sort(order, (a, b) =>
        {
            var byRemainder = remainders[b].CompareTo(remainders[a]);
            return byRemainder != 0 ? byRemainder : a.CompareTo(b);
        });

        // Decimal division keeps 28 digits, so the floors can overshoot by a unit in pathological splits: take it
        // back from the smallest remainders.
        for (var k = count - 1; handedOut > totalUnits && k >= 0; k--)
        {
            if (units[order[k]] > 0m)
            {
                units[order[k]] -= 1m;
                handedOut -= 1m;
            }
        }

        for (var k = 0; handedOut < totalUnits; k = (k + 1) % count)
        {
            units[order[k]] += 1m;
            handedOut += 1m;
        }

        for (var k = 0; k < count; k++)
        {
            shares[indices[k]] = units[k] / scale;
        }
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
