namespace Marketplace.Identity.Contracts;

/// <summary>A seller organisation was registered and may now list offers.</summary>
/// <param name="SellerId">The seller's id, as carried in the <c>seller_id</c> claim of its members and API keys.</param>
/// <param name="Name">The seller's public display name.</param>
/// <param name="RegisteredAt">When the seller was registered.</param>
public sealed record SellerRegistered(Guid SellerId, string Name, DateTimeOffset RegisteredAt);

/// <summary>
/// An admin suspended a seller: its members and API keys can no longer act for it. Modules that show the seller's
/// offers may hide them until <see cref="SellerReinstated"/>.
/// </summary>
/// <param name="SellerId">The suspended seller.</param>
/// <param name="Reason">Why, as the admin wrote it.</param>
/// <param name="SuspendedAt">When the suspension took effect.</param>
public sealed record SellerSuspended(Guid SellerId, string Reason, DateTimeOffset SuspendedAt);

/// <summary>An admin lifted a seller's suspension; its members and keys act for it again.</summary>
/// <param name="SellerId">The reinstated seller.</param>
/// <param name="ReinstatedAt">When the suspension ended.</param>
public sealed record SellerReinstated(Guid SellerId, DateTimeOffset ReinstatedAt);
