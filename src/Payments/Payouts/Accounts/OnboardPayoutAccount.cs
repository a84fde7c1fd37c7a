using FluentValidation;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Payouts.Accounts;

/// <summary>Where the seller's browser goes around the provider's onboarding pages, and what to prefill.</summary>
/// <param name="ReturnUrl">Where the provider sends the seller when it leaves onboarding (finished or not): an absolute http(s) URL of the seller's dashboard.</param>
/// <param name="RefreshUrl">Where the provider sends the seller when the link expired or was used: the dashboard page that asks for a new link.</param>
/// <param name="Country">The seller's country (ISO 3166-1 alpha-2), used only when the account is made; the provider asks when absent.</param>
/// <param name="Email">The seller's contact email for the provider, used only when the account is made.</param>
public sealed record OnboardPayoutAccountRequest(string? ReturnUrl, string? RefreshUrl, string? Country, string? Email);

internal sealed class OnboardPayoutAccountRequestValidator : AbstractValidator<OnboardPayoutAccountRequest>
{
    public const int MaxUrlLength = 2000;
    public const int MaxEmailLength = 254;

    public OnboardPayoutAccountRequestValidator()
    {
        RuleFor(r => r.ReturnUrl).NotEmpty().MaximumLength(MaxUrlLength).Must(IsWebUrl).WithMessage("Give an absolute http or https URL.");
        RuleFor(r => r.RefreshUrl).NotEmpty().MaximumLength(MaxUrlLength).Must(IsWebUrl).WithMessage("Give an absolute http or https URL.");
        RuleFor(r => r.Country).Matches("^[A-Z]{2}$").When(r => r.Country is not null).WithMessage("Give an ISO 3166-1 alpha-2 code in upper case, such as DE.");
        RuleFor(r => r.Email).MaximumLength(MaxEmailLength).EmailAddress().When(r => r.Email is not null);
    }

    private static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

/// <summary>
/// Makes the seller's payout account at the provider the first time (Stripe: an Express account, keyed by the seller so
/// a repeat or a concurrent call makes no second one), then answers a fresh onboarding link. A seller whose account is
/// at another provider (the shop moved from the sandbox to Stripe) gets one at the provider in use.
/// </summary>
internal static class OnboardPayoutAccount
{
    public static async Task<Ok<PayoutAccountResponse>> Handle(
        Guid sellerId, OnboardPayoutAccountRequest request, PaymentsDbContext db, IPaymentProvider provider, TimeProvider clock, CancellationToken cancellationToken)
    {
        var account = await db.SellerPayoutAccounts.SingleOrDefaultAsync(a => a.SellerId == sellerId, cancellationToken);
        if (account is null || account.Provider != provider.Name)
        {
            var made = await provider.CreateSellerAccountAsync(sellerId, request.Country, request.Email, cancellationToken);
            var now = clock.GetUtcNow();
            if (account is null)
            {
                account = new SellerPayoutAccount { SellerId = sellerId, CreatedAt = now };
                db.SellerPayoutAccounts.Add(account);
            }

            account.Provider = provider.Name;
            account.Apply(made, now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
            {
                // A concurrent call recorded it first; the provider answered both with the same account.
                db.ChangeTracker.Clear();
                account = await db.SellerPayoutAccounts.AsNoTracking().SingleAsync(a => a.SellerId == sellerId, cancellationToken);
            }
        }

        var link = await provider.OnboardingLinkAsync(account.AccountId, request.RefreshUrl!, request.ReturnUrl!, cancellationToken);
        return TypedResults.Ok(PayoutAccountResponse.Of(account, link));
    }
}
