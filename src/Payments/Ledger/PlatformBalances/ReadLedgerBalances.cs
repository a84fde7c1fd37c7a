using Marketplace.Payments.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Ledger.PlatformBalances;

/// <summary>The platform's ledger accounts per currency; sellers' payables summed into one row.</summary>
internal static class ReadLedgerBalances
{
    public static async Task<Ok<LedgerBalancesResponse>> Handle(PaymentsDbContext db, CancellationToken cancellationToken)
    {
        var sums = await db.LedgerEntries.AsNoTracking()
            .GroupBy(e => new { e.AccountKind, Account = e.AccountKind == LedgerAccountKind.SellerPayable ? "seller_payable" : e.Account, e.Currency })
            .Select(g => new { g.Key.Account, g.Key.Currency, Net = g.Sum(e => e.Amount) })
            .ToListAsync(cancellationToken);
        var rows = sums.OrderBy(s => s.Currency, StringComparer.Ordinal).ThenBy(s => s.Account, StringComparer.Ordinal)
            .Select(s => new AccountBalanceRow(s.Account, s.Currency, MinorUnits.ToAmount(s.Net, s.Currency), s.Net))
            .ToList();
        return TypedResults.Ok(new LedgerBalancesResponse(rows));
    }
}
