namespace Marketplace.Payments.Ledger;

/// <summary>
/// Splits an amount in minor units into shares proportional to weights so that the shares add up to the amount exactly:
/// each share is first rounded down, and the units left over go one each to the shares with the largest remainders
/// (ties to the earlier share). No share is more than one unit from its exact proportion.
/// </summary>
internal static class LargestRemainder
{
    public static long[] Split(long amount, IReadOnlyList<long> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (weights.Count == 0)
        {
            throw new ArgumentException("There must be at least one share to split into.", nameof(weights));
        }

        if (weights.Any(w => w < 0))
        {
            throw new ArgumentException("A weight cannot be negative.", nameof(weights));
        }

        Int128 total = 0;
        foreach (var weight in weights)
        {
            total += weight;
        }

        if (total == 0)
        {
            throw new ArgumentException("The weights must not all be zero.", nameof(weights));
        }

        var shares = new long[weights.Count];
        var remainders = new Int128[weights.Count];
        long given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            // Int128 so that an amount times a weight (both up to long) cannot overflow.
            var exact = (Int128)amount * weights[i];
            shares[i] = (long)(exact / total);
            remainders[i] = exact % total;
            given += shares[i];
        }

        var order = Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToList();
        for (var k = 0; given < amount; k++, given++)
        {
            shares[order[k]]++;
        }

        return shares;
    }
}
