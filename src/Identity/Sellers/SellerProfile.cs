using Marketplace.Identity.Contracts;

namespace Marketplace.Identity.Sellers;

/// <summary>What anyone may see of a seller; its payouts only its own members and admins see (null for everyone else).</summary>
internal sealed record SellerProfile(Guid SellerId, string Name, string CountryCode, DateTimeOffset RegisteredAt, SellerPayouts? Payouts = null)
{
    public static SellerProfile Of(Seller seller) => new(seller.Id, seller.Name, seller.CountryCode, seller.RegisteredAt);
}

/// <summary>Whether the seller can be paid: the payout account it opened (or not yet), and what the provider still needs.</summary>
/// <param name="AccountOpened">Whether the seller opened a payout account (<c>POST /api/v1/sellers/{sellerId}/payout-account</c>).</param>
/// <param name="Ready">The provider accepts transfers to it: the payout run pays the seller; until then its balance accrues.</param>
/// <param name="RequirementsDue">What the provider still needs from the seller (continue onboarding through a new account link).</param>
/// <param name="CheckedAt">When the provider was last asked; null before an account is opened.</param>
internal sealed record SellerPayouts(bool AccountOpened, bool Ready, IReadOnlyList<string> RequirementsDue, DateTimeOffset? CheckedAt)
{
    public static SellerPayouts Of(SellerPayoutReadiness? readiness) => readiness is null
        ? new SellerPayouts(false, false, [], null)
        : new SellerPayouts(true, readiness.Ready, readiness.RequirementsDue, readiness.CheckedAt);
}
