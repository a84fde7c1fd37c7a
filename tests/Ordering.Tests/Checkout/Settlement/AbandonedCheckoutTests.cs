using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Checkout.Settlement;

/// <summary>The host with a one-second stock hold and a sweeper that looks every 200 ms.</summary>
public sealed class ShortHoldHost : OrderingHost
{
    public ShortHoldHost()
    {
        Settings["Ordering:ReservationLifetime"] = "00:00:01";
        Settings["Ordering:SweepInterval"] = "00:00:00.200";
    }
}

public sealed class AbandonedCheckoutTests(ShortHoldHost host) : IClassFixture<ShortHoldHost>
{
    [Fact]
    public async Task A_checkout_left_before_its_payment_is_cancelled_once_its_hold_expires()
    {
        // What a checkout has written when the process dies before it asks for the payment.
        var group = await host.ArrangeGroupAsync(null, [Guid.NewGuid()], paid: false);
        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);

        var order = await Eventually.ReadAsync(
            async () => await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{group.OrderIds[0]}"),
            o => o.GetProperty("status").GetString() == "cancelled");

        Assert.Equal("PaymentAbandoned", order.GetProperty("timeline")[0].GetProperty("transition").GetString());
        Assert.Equal(["OrderCancelled"], await host.EventsAsync(group.OrderIds[0]));
    }
}
