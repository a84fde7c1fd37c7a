namespace Marketplace.Payments.Payouts.Accounts;

/// <summary>A seller's payout account, as the payment provider last described it.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Provider">The provider the account is at: <c>sandbox</c> or <c>stripe</c>.</param>
/// <param name="AccountId">The provider's id of the account (Stripe: <c>acct_…</c>).</param>
/// <param name="Ready">True when payouts reach the seller: transfers are accepted and the provider pays them out. Until then the seller's balance accrues.</param>
/// <param name="ChargesEnabled">The provider's <c>charges_enabled</c>.</param>
/// <param name="PayoutsEnabled">The provider's <c>payouts_enabled</c>.</param>
/// <param name="TransfersActive">Whether the account's transfers capability is active.</param>
/// <param name="RequirementsDue">What the provider still needs from the seller (Stripe's <c>requirements.currently_due</c>).</param>
/// <param name="CheckedAt">When the provider was asked.</param>
/// <param name="OnboardingUrl">Where the seller finishes onboarding (a single-use link); only in the answer to creating or onboarding.</param>
public sealed record PayoutAccountResponse(
    Guid SellerId,
    string Provider,
    string AccountId,
    bool Ready,
    bool ChargesEnabled,
    bool PayoutsEnabled,
    bool TransfersActive,
    IReadOnlyList<string> RequirementsDue,
    DateTimeOffset CheckedAt,
    string? OnboardingUrl)
{
    internal static PayoutAccountResponse Of(SellerPayoutAccount account, string? onboardingUrl = null) => new(
        account.SellerId,
        account.Provider,
        account.AccountId,
        account.Ready,
        account.ChargesEnabled,
        account.PayoutsEnabled,
        account.TransfersActive,
        account.RequirementsDueList,
        account.CheckedAt,
        onboardingUrl);
}
