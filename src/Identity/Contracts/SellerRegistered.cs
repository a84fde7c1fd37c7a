namespace Marketplace.Identity.Contracts;

/// <summary>A seller organisation was registered and may now list offers.</summary>
/// <param name="SellerId">The seller's id, as carried in the <c>seller_id</c> claim of its members and API keys.</param>
/// <param name="Name">The seller's public display name.</param>
/// <param name="RegisteredAt">When the seller was registered.</param>
public sealed record SellerRegistered(Guid SellerId, string Name, DateTimeOffset RegisteredAt);
