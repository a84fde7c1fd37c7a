using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task Idempotency_keys_past_their_lifetime_are_forgotten_and_live_ones_kept()
    {
        var expired = await KeyAsync(DateTimeOffset.UtcNow.AddMinutes(-1));
        var live = await KeyAsync(DateTimeOffset.UtcNow.AddHours(24));

        await Eventually.ReadAsync(() => KeyExistsAsync(expired), exists => !exists);
        Assert.True(await KeyExistsAsync(live));
    }

    private async Task<Guid> KeyAsync(DateTimeOffset expiresAt)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var row = new IdempotencyRecord
        {
            Id = Guid.NewGuid(), OwnerScope = "guest:tests", Key = Guid.NewGuid().ToString(), RequestHash = new byte[32], OrderGroupId = Guid.NewGuid(),
            ResponseStatus = 201, ResponseBody = "{}", CreatedAt = expiresAt.AddHours(-24), ExpiresAt = expiresAt,
        };
        db.IdempotencyKeys.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }

    private async Task<bool> KeyExistsAsync(Guid id)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().IdempotencyKeys.AnyAsync(k => k.Id == id);
    }
}
