using Marketplace.Payments.Ledger;

namespace Marketplace.Payments.Tests.Ledger;

public sealed class LargestRemainderTests
{
    [Fact]
    public void A_hundred_cents_over_three_equal_shares_gives_the_odd_cent_to_the_first()
    {
        Assert.Equal([34L, 33L, 33L], LargestRemainder.Split(100, [1, 1, 1]));
    }

    [Fact]
    public void The_left_over_units_go_to_the_largest_remainders()
    {
        // Exact shares 3.6, 2.7, 3.7 (of 10 by 4:3:4.11…): floors 3, 2, 3 leave 2 units, for the .7s.
        Assert.Equal([3L, 3L, 4L], LargestRemainder.Split(10, [360, 270, 370]));
    }

    [Fact]
    public void Weights_that_add_up_to_the_amount_are_the_shares()
    {
        Assert.Equal([3000L, 1550L, 440L], LargestRemainder.Split(4990, [3000, 1550, 440]));
    }

    [Fact]
    public void A_share_with_no_weight_gets_nothing_and_bad_input_is_refused()
    {
        Assert.Equal([0L, 7L], LargestRemainder.Split(7, [0, 5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LargestRemainder.Split(-1, [1]));
        Assert.Throws<ArgumentException>(() => LargestRemainder.Split(1, []));
        Assert.Throws<ArgumentException>(() => LargestRemainder.Split(1, [0, 0]));
        Assert.Throws<ArgumentException>(() => LargestRemainder.Split(1, [2, -1]));
    }

    [Fact]
    public void For_any_amount_and_weights_the_shares_add_up_exactly_and_stay_within_one_unit_of_their_proportion()
    {
        var random = new Random(20261205);
        for (var round = 0; round < 2000; round++)
        {
            var amount = random.NextInt64(0, round % 10 == 0 ? long.MaxValue / 4 : 1_000_000);
            var weights = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.NextInt64(0, round % 7 == 0 ? long.MaxValue / 16 : 100_000)).ToList();
            if (weights.All(w => w == 0))
            {
                weights[0] = 1;
            }

            var shares = LargestRemainder.Split(amount, weights);

            Assert.Equal(amount, shares.Sum());
            Int128 total = 0;
            weights.ForEach(w => total += w);
            for (var i = 0; i < shares.Length; i++)
            {
                var exactFloor = (Int128)amount * weights[i] / total;
                Assert.InRange((Int128)shares[i] - exactFloor, 0, 1);
            }
        }
    }

    [Fact]
    public void A_capture_with_commission_books_balanced_entries_whose_seller_shares_add_up_to_the_capture_less_commission()
    {
        var sellerA = Guid.NewGuid();
        var sellerB = Guid.NewGuid();
        var orders = new List<CapturedOrder>
        {
            new(Guid.NewGuid(), "G-1", sellerA, 1000, CommissionMinor: 100),
            new(Guid.NewGuid(), "G-2", sellerB, 2000, CommissionMinor: 150),
            new(Guid.NewGuid(), "G-3", sellerA, 1, CommissionMinor: 0),
        };

        // Captured less than the orders' sum (a checkout-wide discount): the shares are the capture split by the totals.
        var transaction = CaptureBooking.For(Guid.NewGuid(), Guid.NewGuid(), "sandbox", 2900, "EUR", orders, DateTimeOffset.UnixEpoch);

        Assert.Equal(0, transaction.Entries.Sum(e => e.Amount));
        Assert.Equal(2900, transaction.Entries.Where(e => e.AccountKind == LedgerAccountKind.ProviderBalance).Sum(e => e.Amount));
        Assert.Equal(-250, transaction.Entries.Where(e => e.AccountKind == LedgerAccountKind.PlatformRevenue).Sum(e => e.Amount));
        Assert.Equal(0, transaction.Entries.Where(e => e.AccountKind == LedgerAccountKind.BuyerFunds).Sum(e => e.Amount));
        var payable = transaction.Entries.Where(e => e.AccountKind == LedgerAccountKind.SellerPayable).ToList();
        Assert.Equal(-(2900 - 250), payable.Sum(e => e.Amount));
        Assert.Equal(-(967 - 100 + 0), payable.Where(e => e.SellerId == sellerA).Sum(e => e.Amount));
        Assert.Equal(-(1933 - 150), payable.Where(e => e.SellerId == sellerB).Sum(e => e.Amount));
        Assert.All(payable, e => Assert.NotNull(e.OrderId));
        Assert.Equal("capture:" + transaction.PaymentId, transaction.Key);
    }
}
