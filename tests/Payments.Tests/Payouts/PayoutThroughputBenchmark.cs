using System.Diagnostics;
using System.Globalization;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>
/// Runs only when asked, through <c>loadtests/payouts.sh</c> (<c>MARKETPLACE_PAYOUTS_BENCHMARK=1</c>): it writes
/// thousands of orders and keeps the machine busy for a minute or more.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PayoutBenchmarkFactAttribute : FactAttribute
{
    public PayoutBenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MARKETPLACE_PAYOUTS_BENCHMARK") != "1")
        {
            Skip = "Set MARKETPLACE_PAYOUTS_BENCHMARK=1 (loadtests/payouts.sh) to measure the payout run on 10,000 seller orders.";
        }
    }
}

/// <summary>The payouts host (sandbox provider, PostgreSQL, commission rules) with quiet logs.</summary>
public sealed class PayoutBenchmarkHost : PaymentsHost
{
    public PayoutBenchmarkHost()
        : base(TestProfile.Production, PayoutsHost.CommissionRules)
    {
        this.WithBootstrapAdmin();
        Settings["Logging:LogLevel:Default"] = "Warning";
    }
}

/// <summary>
/// <c>ORDERS</c> delivered seller orders (10,000 by default) of <c>SELLERS</c> ready sellers, past their protection
/// window, settled by <c>RUNNERS</c> payout runs side by side (two replicas by default) until none is left: how long it
/// took, orders per second, and that each order was paid and booked exactly once.
/// </summary>
public sealed class PayoutThroughputBenchmark(PayoutBenchmarkHost host, ITestOutputHelper output) : IClassFixture<PayoutBenchmarkHost>
{
    private static string Setting(string name, string fallback) => Environment.GetEnvironmentVariable($"MARKETPLACE_PAYOUTS_BENCHMARK_{name}") ?? fallback;

    [PayoutBenchmarkFact]
    public async Task The_payout_run_settles_10000_seller_orders_each_once()
    {
        var orders = int.Parse(Setting("ORDERS", "10000"), CultureInfo.InvariantCulture);
        var sellerCount = int.Parse(Setting("SELLERS", "10"), CultureInfo.InvariantCulture);
        var runners = int.Parse(Setting("RUNNERS", "2"), CultureInfo.InvariantCulture);
        var perSeller = orders / sellerCount;

        // One real delivered order per seller, through the host, as the template; the rest are copies of its row.
        var templates = new List<Guid>();
        for (var i = 0; i < sellerCount; i++)
        {
            var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Payout Benchmark Seller {i}");
            await Payouts.OnboardAsync(host, seller);
            var group = await Payouts.DeliveredAsync(host, seller.SellerId, 25.00m + i, host.Clock.GetUtcNow() - TimeSpan.FromDays(2));
            templates.Add(group[0].OrderId);
        }

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        var columns = await db.Database.SqlQuery<string>($"""
            SELECT column_name AS "Value" FROM information_schema.columns WHERE table_schema = {db.Schema} AND table_name = 'escrow_orders' ORDER BY ordinal_position
            """).ToListAsync();
        var copies = columns.Select(c => c switch
        {
            "order_id" => "gen_random_uuid()",
            "number" => "t.number || '-' || n",
            _ => $"t.{c}",
        });
#pragma warning disable EF1002 // Column names come from the database's own catalogue; the numbers are the benchmark's.
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO {db.Schema}.escrow_orders ({string.Join(", ", columns)}) SELECT {string.Join(", ", copies)} FROM {db.Schema}.escrow_orders AS t, generate_series(2, {perSeller}) AS n WHERE t.order_id = ANY({{0}})",
            templates.ToArray());

        // Each copy is owed its share as the template was: its capture's order entries (share, seller's part, commission),
        // copied into a transaction of its own, so the seller's balance covers every payout as it would in production.
        await db.Database.ExecuteSqlRawAsync(
            $$"""
            INSERT INTO {{db.Schema}}.ledger_transactions (id, key, kind, payment_id, order_group_id, currency, recorded_at)
            SELECT o.order_id, 'benchmark-share:' || o.order_id, t.kind, t.payment_id, t.order_group_id, t.currency, t.recorded_at
            FROM {{db.Schema}}.escrow_orders AS o
            JOIN {{db.Schema}}.ledger_transactions AS t ON t.order_group_id = o.order_group_id AND t.kind = 'capture'
            WHERE o.order_id <> ALL({0})
            """,
            templates.ToArray());
        var entryColumns = await db.Database.SqlQuery<string>($"""
            SELECT column_name AS "Value" FROM information_schema.columns WHERE table_schema = {db.Schema} AND table_name = 'ledger_entries' AND column_name <> 'sequence' ORDER BY ordinal_position
            """).ToListAsync();
        var entryCopies = entryColumns.Select(c => c switch
        {
            "transaction_id" or "order_id" => "o.order_id",
            "order_number" => "o.number",
            _ => $"e.{c}",
        });
        await db.Database.ExecuteSqlRawAsync(
            $$"""
            INSERT INTO {{db.Schema}}.ledger_entries ({{string.Join(", ", entryColumns)}})
            SELECT {{string.Join(", ", entryCopies)}}
            FROM {{db.Schema}}.escrow_orders AS o
            JOIN {{db.Schema}}.ledger_transactions AS t ON t.order_group_id = o.order_group_id AND t.kind = 'capture' AND t.key LIKE 'capture:%'
            JOIN {{db.Schema}}.ledger_entries AS e ON e.transaction_id = t.id AND e.order_id IS NOT NULL
            WHERE o.order_id <> ALL({0})
            """,
            templates.ToArray());
#pragma warning restore EF1002
        var total = await db.EscrowOrders.CountAsync(o => o.PaidOutAt == null);
        output.WriteLine($"{total} payable seller orders of {sellerCount} sellers written; {runners} runs side by side");

        var clock = Stopwatch.StartNew();
        var passes = 0;
        await Task.WhenAll(Enumerable.Range(0, runners).Select(async _ =>
        {
            while ((await Payouts.RunAsync(host)).Claimed > 0)
            {
                Interlocked.Increment(ref passes);
            }
        }));
        clock.Stop();

        var paid = await db.Payouts.CountAsync();
        var booked = await db.LedgerTransactions.CountAsync(t => t.Kind == PayoutBooking.Kind);
        var unpaid = await db.EscrowOrders.CountAsync(o => o.PaidOutAt == null);
        var rate = paid / clock.Elapsed.TotalSeconds;
        var line = $"RESULT payouts orders={total} sellers={sellerCount} runners={runners} batch=50 provider=sandbox seconds={clock.Elapsed.TotalSeconds:F1} " +
                   $"orders_per_s={rate:F0} passes={passes} paid={paid} booked={booked} unpaid={unpaid}";
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("MARKETPLACE_PAYOUTS_BENCHMARK_REPORT") is { Length: > 0 } report)
        {
            await File.AppendAllTextAsync(report, line + Environment.NewLine);
        }

        Assert.Equal(total, paid);
        Assert.Equal(total, booked);
        Assert.Equal(0, unpaid);
        await LedgerBooks.AssertBalancedAsync(host);
    }
}
