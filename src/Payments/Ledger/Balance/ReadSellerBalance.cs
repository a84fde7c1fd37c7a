using Marketplace.Payments.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Ledger.Balance;

/// <summary>What the platform owes a seller, per currency: the net credits of its payable account.</summary>
internal static class ReadSellerBalance
{
    public static async Task<Ok<SellerBalanceResponse>> Handle(Guid sellerId, PaymentsDbContext db, CancellationToken cancellationToken)
    {
        var sums = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.SellerId == sellerId && e.AccountKind == LedgerAccountKind.SellerPayable)
            .GroupBy(e => e.Currency)
            .Select(g => new { Currency = g.Key, Net = g.Sum(e => e.Amount) })
            .ToListAsync(cancellationToken);

        // Credits to the payable account are what is owed, so the balance is the credits' side.
        var rows = sums.OrderBy(s => s.Currency, StringComparer.Ordinal)
            .Select(s => new BalanceRow(s.Currency, MinorUnits.ToAmount(-s.Net, s.Currency), -s.Net))
            .ToList();
        return TypedResults.Ok(new SellerBalanceResponse(sellerId, rows));
    }
}
