using System.Diagnostics;

namespace Marketplace.Checkout.Load;

/// <summary>
/// Makes guest carts and quotes them, in parallel, before anything is measured: each becomes one checkout of the run
/// (a checkout consumes its cart's lines).
/// </summary>
internal static class CartMaker
{
    /// <summary>
    /// <paramref name="count"/> carts of <paramref name="lines"/> lines of one unit, spread over the sellers in turn
    /// (5 lines of 3 sellers: 2, 2 and 1), each line a different offer drawn at random from its seller's.
    /// </summary>
    public static async Task<IReadOnlyList<PreparedCheckout>> MakeAsync(
        Storefront storefront, IReadOnlyList<IReadOnlyList<Guid>> offersBySeller, int count, int lines, int concurrency, CancellationToken cancellationToken)
    {
        var made = new PreparedCheckout[count];
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var token = await storefront.CreateGuestCartAsync(ct);
                foreach (var offer in Pick(offersBySeller, lines))
                {
                    await storefront.AddLineAsync(token, offer, 1, ct);
                }

                made[i] = new PreparedCheckout(token, Storefront.CheckoutBody(await storefront.QuoteAsync(token, ct)));
                var finished = Interlocked.Increment(ref done);
                if (finished % 1000 == 0)
                {
                    Console.Error.WriteLine($"[checkout-load] {finished}/{count} carts made and quoted ({finished / clock.Elapsed.TotalSeconds:F0}/s)");
                }
            });
        return made;
    }

    private static IEnumerable<Guid> Pick(IReadOnlyList<IReadOnlyList<Guid>> offersBySeller, int lines)
    {
        var perSeller = new int[offersBySeller.Count];
        for (var line = 0; line < lines; line++)
        {
            perSeller[line % offersBySeller.Count]++;
        }

        for (var seller = 0; seller < offersBySeller.Count; seller++)
        {
            var offers = offersBySeller[seller];
            // Distinct offers: the same offer twice would be one line of two units.
            var chosen = new HashSet<int>();
            while (chosen.Count < perSeller[seller])
            {
                chosen.Add(Random.Shared.Next(offers.Count));
            }

            foreach (var index in chosen)
            {
                yield return offers[index];
            }
        }
    }
}
