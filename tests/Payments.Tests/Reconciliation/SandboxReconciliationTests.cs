using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Reconciliation;

/// <summary>The Payments host with a bootstrap admin; the reconciliation window ends now, so that what just happened is in it.</summary>
public sealed class ReconciliationHost : PaymentsHost
{
    public ReconciliationHost()
    {
        this.WithBootstrapAdmin();
        Settings["Payments:ReconciliationSettleDelay"] = "00:00:00";
    }
}

/// <summary>Reconciliation against the sandbox's own balance: clean books agree; a capture never booked and a misbooked amount are both reported, by route and metric.</summary>
public sealed class SandboxReconciliationTests(ReconciliationHost host) : IClassFixture<ReconciliationHost>
{
    [Fact]
    public async Task Clean_books_reconcile_with_no_difference_and_a_capture_never_booked_and_a_misbooked_amount_are_each_reported()
    {
        var client = host.CreateClient();
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(client));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/admin/reconciliation")).StatusCode);
        var first = await GroupOrders.PaidAsync(host, 30m, 12.5m);
        await first.CapturedAsync(accepted: 2);
        var second = await GroupOrders.PaidAsync(host, 9.99m);
        await second.CapturedAsync(accepted: 1);
        var intent = (await host.GetAsync(first.Payment.PaymentId))!;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var provider = scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
            var reference = $"pi_sandbox_{first.Payment.PaymentId:N}";
            await provider.RefundAsync(reference, Money.Of(4m, "EUR"), $"refund:{Guid.NewGuid()}", CancellationToken.None);
        }

        await ReconciliationBooks.BookRefundAsync(host, first, "sandbox", 400);

        var clean = await (await admin.PostAsync("/api/v1/admin/reconciliation/runs", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("sandbox", clean.GetProperty("provider").GetString());
        Assert.Equal(0, clean.GetProperty("differenceCount").GetInt32());
        Assert.Empty(clean.GetProperty("differences").EnumerateArray());
        Assert.Equal(3, clean.GetProperty("matched").GetInt32());
        Assert.Equal(0, ReconciliationBooks.DifferencesGauge(host));
        Assert.Equal(Money.Of(42.5m, "EUR"), intent.Captured);

        // A capture the provider made whose booking was lost (a crash between the two), and a capture booked a cent high.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IPaymentProvider>()
                .CaptureAsync($"pi_sandbox_{Guid.NewGuid():N}", Money.Of(7.77m, "EUR"), $"capture:{Guid.NewGuid()}", CancellationToken.None);
        }

        var misbooked = await ReconciliationBooks.MisbookCaptureAsync(host, second.Payment.PaymentId);

        var report = await (await admin.PostAsync("/api/v1/admin/reconciliation/runs", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(2, report.GetProperty("differenceCount").GetInt32());
        var differences = report.GetProperty("differences").EnumerateArray().ToList();
        var missing = Assert.Single(differences, d => d.GetProperty("problem").GetString() == "missing_in_ledger");
        Assert.Equal("capture", missing.GetProperty("kind").GetString());
        Assert.Equal(7.77m, missing.GetProperty("providerAmount").GetDecimal());
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("ledgerAmount").ValueKind);
        var mismatch = Assert.Single(differences, d => d.GetProperty("problem").GetString() == "amount_mismatch");
        Assert.Equal(9.99m, mismatch.GetProperty("providerAmount").GetDecimal());
        Assert.Equal(10.00m, mismatch.GetProperty("ledgerAmount").GetDecimal());
        Assert.Equal(misbooked, mismatch.GetProperty("ledgerTransactionId").GetGuid());
        Assert.Equal(2, ReconciliationBooks.DifferencesGauge(host));

        var latest = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/reconciliation");
        Assert.Equal(report.GetProperty("id").GetGuid(), latest.GetProperty("id").GetGuid());
        Assert.Equal(2, latest.GetProperty("differences").GetArrayLength());
    }

    [Fact]
    public async Task Only_an_admin_runs_or_reads_the_reconciliation()
    {
        var client = host.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Reconciliation Seller");
        var sellerClient = host.CreateClient(seller.MemberAccessToken);

        Assert.Equal(HttpStatusCode.Forbidden, (await sellerClient.GetAsync("/api/v1/admin/reconciliation")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sellerClient.PostAsync("/api/v1/admin/reconciliation/runs", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/admin/reconciliation")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/v1/admin/reconciliation/runs", null)).StatusCode);
    }
}
