using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Payouts;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>
/// The Payments host with a bootstrap admin and "payouts" rules that charge commission: 10 % by default, 5 % on
/// <see cref="Books"/>, 2 % for <see cref="VipSeller"/>'s lines, at least 0.50 EUR per order; a one-day protection window.
/// </summary>
public sealed class PayoutsHost : PaymentsHost
{
    public static readonly Guid Books = Guid.Parse("0b0b0b0b-0000-4000-8000-000000000005");
    public static readonly Guid VipSeller = Guid.Parse("0b0b0b0b-0000-4000-8000-000000000002");
    public static readonly TimeSpan Window = TimeSpan.FromDays(1);

    public const string CommissionRules = """
        {
          "protectionWindow": "1.00:00:00",
          "commission": {
            "defaultPercent": 10,
            "categories": [ { "categoryId": "0b0b0b0b-0000-4000-8000-000000000005", "percent": 5 } ],
            "sellers": [ { "sellerId": "0b0b0b0b-0000-4000-8000-000000000002", "percent": 2 } ],
            "minimumPerOrder": [ { "currency": "EUR", "amount": 0.50 } ]
          },
          "schedule": { "runInterval": "1.00:00:00", "batchSize": 50 }
        }
        """;

    public PayoutsHost()
        : base(TestProfile.Production, CommissionRules) => this.WithBootstrapAdmin();
}

/// <summary>What the payout tests do to a host: run a pass, give a seller a payout account, read what was paid.</summary>
internal static class Payouts
{
    public static Task<PayoutRunResponse> RunAsync(PaymentsHost host) =>
        host.Services.GetRequiredService<PayoutRun>().RunOnceAsync(CancellationToken.None);

    /// <summary>The seller onboards through its own route; the answer's body.</summary>
    public static async Task<JsonElement> OnboardAsync(PaymentsHost host, SellerSession seller)
    {
        var response = await host.CreateClient(seller.MemberAccessToken).PostAsJsonAsync(
            $"/api/v1/sellers/{seller.SellerId}/payout-account",
            new { returnUrl = "https://sellers.example.com/payouts/done", refreshUrl = "https://sellers.example.com/payouts/again", country = "DE" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Captures a one-order group of the seller and reports it delivered at <paramref name="deliveredAt"/>, then waits until Payments has it.</summary>
    public static async Task<GroupOrders> DeliveredAsync(PaymentsHost host, Guid sellerId, decimal total, DateTimeOffset deliveredAt)
    {
        var group = await GroupOrders.PaidAsync(host, (sellerId, total));
        await group.CapturedAsync(accepted: 1);
        await group.PublishAsync(group.Delivered(group[0], deliveredAt));
        await Eventually.ReadAsync(group.RecordedAsync, rows => rows.Single().DeliveredAt is not null);
        return group;
    }

    internal static async Task<List<Payout>> PaidAsync(PaymentsHost host, Guid orderId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().Payouts.AsNoTracking().Where(p => p.OrderId == orderId).ToListAsync();
    }

    internal static async Task<EscrowOrder> OrderAsync(PaymentsHost host, Guid orderId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().EscrowOrders.AsNoTracking().SingleAsync(o => o.OrderId == orderId);
    }

    /// <summary>The seller's balance in EUR minor units, as its own balance route shows it (0 when it shows none).</summary>
    public static async Task<long> BalanceAsync(PaymentsHost host, SellerSession seller)
    {
        var balance = await host.CreateClient(seller.MemberAccessToken).GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/balance");
        return balance.GetProperty("balances").EnumerateArray().Where(r => r.GetProperty("currency").GetString() == "EUR").Select(r => r.GetProperty("amountMinor").GetInt64()).SingleOrDefault();
    }
}
