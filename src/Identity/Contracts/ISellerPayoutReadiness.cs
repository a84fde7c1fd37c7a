namespace Marketplace.Identity.Contracts;

/// <summary>
/// Whether a seller can be paid, as its payment provider last said. Payments answers it (it holds the seller's connected
/// account); Identity shows it on the seller's profile to the seller's own members and to admins.
/// </summary>
public interface ISellerPayoutReadiness
{
    /// <summary>The seller's payout readiness, or null when it has not opened a payout account yet.</summary>
    Task<SellerPayoutReadiness?> OfAsync(Guid sellerId, CancellationToken cancellationToken);
}

/// <summary>A seller's payout account, as the provider last described it.</summary>
/// <param name="Ready">Transfers are accepted and reach the seller's bank: the payout run pays the seller.</param>
/// <param name="RequirementsDue">What the provider still needs from the seller before it is ready.</param>
/// <param name="CheckedAt">When the provider was last asked.</param>
public sealed record SellerPayoutReadiness(bool Ready, IReadOnlyList<string> RequirementsDue, DateTimeOffset CheckedAt);
