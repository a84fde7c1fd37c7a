using Marketplace.Identity.Contracts;
using Marketplace.Payments.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Payouts.Accounts;

/// <summary>
/// The seller's payout readiness for its profile, as the provider last said it: kept current by the seller's own reads
/// of its payout account, by Stripe's <c>account.updated</c> and by the payout run for sellers whose money waits. The
/// profile does not call the provider.
/// </summary>
internal sealed class PayoutReadiness(PaymentsDbContext db) : ISellerPayoutReadiness
{
    public async Task<SellerPayoutReadiness?> OfAsync(Guid sellerId, CancellationToken cancellationToken)
    {
        var account = await db.SellerPayoutAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.SellerId == sellerId, cancellationToken);
        return account is null
            ? null
            : new SellerPayoutReadiness(account.Ready, account.RequirementsDueList, account.CheckedAt);
    }
}
