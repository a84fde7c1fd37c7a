using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Payouts.Accounts;

/// <summary>The seller's payout account, read again from the provider (onboarding happens there), and kept as read.</summary>
internal static class ReadPayoutAccount
{
    public static async Task<Results<Ok<PayoutAccountResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, PaymentsDbContext db, IPaymentProvider provider, TimeProvider clock, CancellationToken cancellationToken)
    {
        var account = await db.SellerPayoutAccounts.SingleOrDefaultAsync(a => a.SellerId == sellerId, cancellationToken);
        if (account is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No payout account",
                detail: "The seller has no payout account yet: create one with POST on this route. Its balance accrues until the account is ready.");
        }

        if (account.Provider == provider.Name)
        {
            account.Apply(await provider.ReadSellerAccountAsync(account.AccountId, cancellationToken), clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(PayoutAccountResponse.Of(account));
    }
}
