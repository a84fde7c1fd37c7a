namespace Marketplace.Catalog.Contracts;

/// <summary>
/// A seller's performance over the window of the runtime rules "fulfilment" (<c>performanceWindow</c>), recomputed
/// after each of its orders shipped, was cancelled after placement, or missed its ship-by deadline. Catalog keeps the
/// on-time dispatch rate with the seller's profile. Published by Ordering; declared here, by the module that consumes it,
/// because Ordering already depends on Catalog's contracts and not the other way round. A later <paramref name="ComputedAt"/> supersedes an earlier one.
/// </summary>
/// <param name="SellerId">The seller.</param>
/// <param name="WindowStart">The start of the window: orders placed since then are counted.</param>
/// <param name="ComputedAt">When it was computed (the window's end).</param>
/// <param name="OrdersPlaced">Orders placed in the window.</param>
/// <param name="DispatchesDue">Of those, the orders shipped or whose ship-by deadline passed unshipped.</param>
/// <param name="DispatchedOnTime">Of those, the orders shipped by their ship-by deadline.</param>
/// <param name="OnTimeDispatchRate">DispatchedOnTime / DispatchesDue, from 0 to 1; null while nothing was due.</param>
/// <param name="CancelledBySeller">Orders placed in the window that the seller rejected or did not accept in time.</param>
/// <param name="CancellationRate">CancelledBySeller / OrdersPlaced, from 0 to 1; null while nothing was placed.</param>
/// <param name="LateDeliveries">Orders placed in the window that were not delivered by their deliver-by deadline.</param>
public sealed record SellerPerformanceChanged(
    Guid SellerId, DateTimeOffset WindowStart, DateTimeOffset ComputedAt, int OrdersPlaced, int DispatchesDue, int DispatchedOnTime,
    decimal? OnTimeDispatchRate, int CancelledBySeller, decimal? CancellationRate, int LateDeliveries);
