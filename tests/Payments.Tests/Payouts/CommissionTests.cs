using Marketplace.Payments.Escrow;
using Marketplace.Payments.Payouts;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>The commission on one seller order's share: line rates (seller over category over default), the share, the minimum.</summary>
public sealed class CommissionTests
{
    private static readonly Guid Books = Guid.NewGuid();
    private static readonly Guid Vip = Guid.NewGuid();
    private static readonly Guid Regular = Guid.NewGuid();

    private static readonly CommissionRules Rules = new()
    {
        DefaultPercent = 10m,
        Categories = [new CategoryCommission { CategoryId = Books, Percent = 5m }],
        Sellers = [new SellerCommission { SellerId = Vip, Percent = 2m }],
        MinimumPerOrder = [new MinimumCommission { Currency = "EUR", Amount = 0.50m }],
    };

    [Fact]
    public void Each_line_pays_its_categorys_rate_or_the_default_and_delivery_pays_none()
    {
        // 20.00 of books at 5 % and 8.00 of other goods at 10 %, plus 2.00 delivery.
        Assert.Equal(180, Commission.For(Rules, Regular, "EUR", 3000, 3000, Lines((Books, 2000), (Guid.NewGuid(), 800))));
    }

    [Fact]
    public void A_sellers_own_rate_wins_over_its_lines_categories()
    {
        Assert.Equal(100, Commission.For(Rules, Vip, "EUR", 5000, 5000, Lines((Books, 2500), (Guid.NewGuid(), 2500))));
    }

    [Fact]
    public void A_small_order_pays_the_minimum_of_its_currency_and_never_more_than_its_share()
    {
        Assert.Equal(50, Commission.For(Rules, Regular, "EUR", 300, 300, Lines((Guid.NewGuid(), 300))));
        Assert.Equal(30, Commission.For(Rules, Regular, "EUR", 30, 30, Lines((Guid.NewGuid(), 30))));
        Assert.Equal(2, Commission.For(Rules, Regular, "USD", 20, 20, Lines((Guid.NewGuid(), 20))));
    }

    [Fact]
    public void An_order_captured_for_less_than_its_total_pays_commission_on_its_share_rounded_half_to_even()
    {
        // 10 % of 45.00 is 4.50; the share is 2/3 of the total: 3.00 exactly. 10 % of 33.33 on a share of 33.33 is 3.333 -> 3.33.
        Assert.Equal(300, Commission.For(Rules, Regular, "EUR", 4500, 3000, Lines((Guid.NewGuid(), 4500))));
        Assert.Equal(333, Commission.For(Rules, Regular, "EUR", 3333, 3333, Lines((Guid.NewGuid(), 3333))));
        Assert.Equal(62, Commission.For(Rules with { MinimumPerOrder = [] }, Regular, "EUR", 625, 625, Lines((Guid.NewGuid(), 625))));
    }

    [Fact]
    public void An_order_whose_lines_never_arrived_pays_the_sellers_or_the_default_rate_on_its_total()
    {
        Assert.Equal(400, Commission.For(Rules, Regular, "EUR", 4000, 4000, []));
        Assert.Equal(80, Commission.For(Rules, Vip, "EUR", 4000, 4000, []));
    }

    private static List<EscrowOrderLine> Lines(params (Guid Category, long Minor)[] lines) =>
        lines.Select((l, i) => new EscrowOrderLine { LineNumber = i + 1, OfferId = Guid.NewGuid(), CategoryId = l.Category, TotalMinor = l.Minor }).ToList();
}
