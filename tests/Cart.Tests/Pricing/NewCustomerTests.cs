using Marketplace.Cart.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Cart.Tests.Pricing;

/// <summary>"New customer" means no placed order: the mark Cart keeps when an order's uses are recorded.</summary>
public sealed class NewCustomerTests(CheckoutCartFactory factory) : IClassFixture<CheckoutCartFactory>
{
    [Fact]
    public async Task A_signed_in_customer_gets_a_new_customer_rule_until_an_order_is_recorded_for_them_and_not_after_it_is_released()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());
        var customer = factory.CreateClient(session.AccessToken);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 1);
        var usage = factory.Services.GetRequiredService<IPromoCodeUsage>();

        var asNew = await CartArrange.AddOkAsync(customer, offers[0].OfferId, 1);
        var order = Guid.NewGuid();
        Assert.True((await usage.TryRecordPlacedOrderAsync(order, session.UserId, [], CancellationToken.None)).Recorded);
        var afterOrder = await CartArrange.ReadAsync(customer);
        await usage.ReleasePlacedOrderAsync(order, CancellationToken.None);
        var afterRelease = await CartArrange.ReadAsync(customer);

        Assert.Contains("welcome", RuleIds(asNew));
        Assert.Equal(8m, CartArrange.Amount(asNew.GetProperty("total")));
        Assert.DoesNotContain("welcome", RuleIds(afterOrder));
        Assert.Equal(9m, CartArrange.Amount(afterOrder.GetProperty("total")));
        Assert.DoesNotContain("welcome", RuleIds(afterRelease));
        Assert.DoesNotContain("welcome", RuleIds(await CartArrange.ReadAsync(guest)));
    }

    private static List<string> RuleIds(System.Text.Json.JsonElement cart) =>
        cart.GetProperty("discounts").EnumerateArray().Select(d => d.GetProperty("ruleId").GetString()!).ToList();
}
