using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Ledger;

/// <summary>Reads the ledger as a test sees it, and holds it to double entry: every transaction sums to zero per currency.</summary>
public static class LedgerBooks
{
    /// <summary>Fails unless every transaction in the ledger balances; returns how many transactions there are.</summary>
    public static async Task<int> AssertBalancedAsync(PaymentsHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var entries = await db.LedgerEntries.AsNoTracking().ToListAsync();
        var transactions = await db.LedgerTransactions.AsNoTracking().Select(t => t.Id).ToListAsync();
        Assert.All(entries, e => Assert.Contains(e.TransactionId, transactions));
        var unbalanced = entries.GroupBy(e => (e.TransactionId, e.Currency)).Where(g => g.Sum(e => e.Amount) != 0).Select(g => g.Key).ToList();
        Assert.True(unbalanced.Count == 0, $"Unbalanced ledger transactions: {string.Join(", ", unbalanced)}");
        Assert.All(transactions, t => Assert.Contains(entries, e => e.TransactionId == t));
        return transactions.Count;
    }

    /// <summary>The transactions booked for a payment, with their entries.</summary>
    internal static async Task<List<LedgerTransaction>> OfPaymentAsync(PaymentsHost host, Guid paymentId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        return await db.LedgerTransactions.AsNoTracking().Include(t => t.Entries).Where(t => t.PaymentId == paymentId).ToListAsync();
    }

    /// <summary>What each seller's payable account was credited, in minor units, for a payment.</summary>
    internal static async Task<Dictionary<Guid, long>> SellerSharesAsync(PaymentsHost host, Guid paymentId) =>
        (await OfPaymentAsync(host, paymentId))
            .SelectMany(t => t.Entries)
            .Where(e => e.AccountKind == LedgerAccountKind.SellerPayable)
            .GroupBy(e => e.SellerId!.Value)
            .ToDictionary(g => g.Key, g => -g.Sum(e => e.Amount));
}
