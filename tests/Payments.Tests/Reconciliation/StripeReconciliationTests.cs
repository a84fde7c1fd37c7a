using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Platform;
using Marketplace.TestSupport;

namespace Marketplace.Payments.Tests.Reconciliation;

/// <summary>The Stripe host reading balance transactions two to a page, so that reconciliation follows Stripe's paging.</summary>
public sealed class SmallPageStripeHost : StripeHost
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Settings["Payments:Stripe:BalancePageSize"] = "2";
    }
}

/// <summary>Reconciliation against the Stripe double's balance transactions, read through Stripe.net page by page.</summary>
public sealed class StripeReconciliationTests(SmallPageStripeHost host) : IClassFixture<SmallPageStripeHost>
{
    [Fact]
    public async Task Stripes_balance_transactions_reconcile_with_the_ledger_page_by_page_and_a_charge_outside_it_and_a_misbooked_capture_are_reported()
    {
        // Two balance transactions a page: Stripe.net follows starting_after while has_more, over two pages here and three below.
        var groups = new List<GroupOrders>();
        for (var i = 0; i < 3; i++)
        {
            var group = await GroupOrders.PaidAsync(host, 10m + i, 5m);
            await group.CapturedAsync(accepted: 2);
            groups.Add(group);
        }

        var intent = host.IntentOf(groups[0].Payment.PaymentId);
        await host.Provider.RefundAsync(intent, Money.Of(2.5m, "EUR"), $"refund:{Guid.NewGuid()}", CancellationToken.None);
        await ReconciliationBooks.BookRefundAsync(host, groups[0], "stripe", 250);

        // The window ends Payments:ReconciliationSettleDelay (5 minutes) before the run: let that pass.
        host.Clock.Advance(TimeSpan.FromMinutes(6));
        var clean = await ReconciliationBooks.RunAsync(host);

        Assert.Equal("stripe", clean.Provider);
        Assert.Empty(clean.Differences);
        Assert.Equal(0, clean.DifferenceCount);
        Assert.Equal(4, clean.Matched);
        Assert.Equal(4, clean.ProviderTransactions);

        // Someone charged a card in the dashboard (an automatic capture the platform never booked), and a capture was booked a cent high.
        var outside = await ChargeInDashboardAsync(1234);
        var misbooked = await ReconciliationBooks.MisbookCaptureAsync(host, groups[2].Payment.PaymentId);
        host.Clock.Advance(TimeSpan.FromMinutes(6));
        var callsBefore = host.Stripe.Calls;

        var report = await ReconciliationBooks.RunAsync(host);

        Assert.Equal(2, report.DifferenceCount);
        var missing = Assert.Single(report.Differences, d => d.Problem == "missing_in_ledger");
        Assert.Equal(("capture", 12.34m, outside), (missing.Kind, missing.ProviderAmount!.Value, missing.PaymentReference));
        Assert.StartsWith("txn_", missing.ProviderTransactionId, StringComparison.Ordinal);
        var mismatch = Assert.Single(report.Differences, d => d.Problem == "amount_mismatch");
        Assert.Equal((17.00m, 17.01m, misbooked), (mismatch.ProviderAmount!.Value, mismatch.LedgerAmount!.Value, mismatch.LedgerTransactionId!.Value));
        Assert.Equal(host.IntentOf(groups[2].Payment.PaymentId), mismatch.PaymentReference);
        Assert.Equal(2, ReconciliationBooks.DifferencesGauge(host));
        Assert.Equal(5, report.ProviderTransactions);
        Assert.Equal(3, host.Stripe.Calls - callsBefore);
    }

    [Fact]
    public async Task The_doubles_balance_list_pages_newest_first_with_starting_after_and_has_more_as_Stripe_documents()
    {
        for (var i = 0; i < 3; i++)
        {
            await ChargeInDashboardAsync(100 + i);
        }

        using var http = StripeHttp();
        var first = JsonNode.Parse(await http.GetStringAsync("/v1/balance_transactions?limit=2"))!;
        var data = first["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.True(first["has_more"]!.GetValue<bool>());
        var after = data[1]!["id"]!.GetValue<string>();
        var rest = JsonNode.Parse(await http.GetStringAsync($"/v1/balance_transactions?limit=2&starting_after={after}&expand[]=data.source"))!;

        var all = data.Concat(rest["data"]!.AsArray()).Select(t => t!).ToList();
        Assert.True(all.Count >= 3);
        Assert.Equal(all.Select(t => t["created"]!.GetValue<long>()).OrderDescending(), all.Select(t => t["created"]!.GetValue<long>()));
        Assert.Equal(all.Count, all.Select(t => t["id"]!.GetValue<string>()).Distinct().Count());
        Assert.All(rest["data"]!.AsArray(), t => Assert.Equal("charge", t!["source"]!["object"]!.GetValue<string>()));
        Assert.Equal(400, (int)(await http.GetAsync("/v1/balance_transactions?starting_after=txn_unknown")).StatusCode);
        Assert.Equal(400, (int)(await http.GetAsync("/v1/balance_transactions?limit=101")).StatusCode);
    }

    /// <summary>An automatically captured PaymentIntent made straight at Stripe, as the dashboard or another integration would.</summary>
    private async Task<string> ChargeInDashboardAsync(long amountMinor)
    {
        using var http = StripeHttp();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["amount"] = amountMinor.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["currency"] = "eur",
            ["capture_method"] = "automatic",
            ["confirm"] = "true",
            ["payment_method"] = "pm_card_visa",
            ["payment_method_types[]"] = "card",
        });
        var answer = await http.PostAsync("/v1/payment_intents", form);
        answer.EnsureSuccessStatusCode();
        return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private HttpClient StripeHttp()
    {
        var http = new HttpClient { BaseAddress = new Uri(host.Stripe.Address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StripeDouble.SecretKey);
        return http;
    }
}
