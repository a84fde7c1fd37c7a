using Marketplace.Platform;

namespace Marketplace.Catalog.Contracts;

/// <summary>Reads live offers for other modules (the cart re-prices every read with it).</summary>
public interface IOfferLookup
{
    /// <summary>
    /// The offers that exist now, by offer id, read in one query whatever the number of ids. An id with no offer
    /// (never existed, or withdrawn by its seller) is absent from the result.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, OfferSnapshot>> FindAsync(IReadOnlyCollection<Guid> offerIds, CancellationToken cancellationToken);
}

/// <summary>An offer as it stands now, with what pricing rules are scoped by.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="SellerId">The seller that sells it.</param>
/// <param name="SkuId">The SKU it sells.</param>
/// <param name="SkuCode">The SKU's marketplace-wide code.</param>
/// <param name="ProductId">The product the SKU belongs to.</param>
/// <param name="ProductTitle">The product's title.</param>
/// <param name="CategoryId">The product's category.</param>
/// <param name="CategoryAncestorIds">The category's ancestors, from the root down (the category itself excluded).</param>
/// <param name="BrandId">The product's brand, if any.</param>
/// <param name="Price">The seller's price per unit.</param>
/// <param name="Stock">Units available now, units held by stock reservations (<see cref="IStockReservations"/>) excluded.</param>
/// <param name="Active">
/// Whether the offer can be bought. The Catalog deletes a withdrawn offer, so today every offer returned is active;
/// the flag lets a later suspension state reach consumers without changing this contract.
/// </param>
/// <param name="DispatchDays">Working days the seller needs to hand the offer to a carrier (delivery ETAs count from it).</param>
/// <param name="Dimensions">The SKU's packed weight and size, which delivery prices parcels by.</param>
public sealed record OfferSnapshot(
    Guid OfferId,
    Guid SellerId,
    Guid SkuId,
    string SkuCode,
    Guid ProductId,
    string ProductTitle,
    Guid CategoryId,
    IReadOnlyList<Guid> CategoryAncestorIds,
    Guid? BrandId,
    Money Price,
    int Stock,
    bool Active,
    int DispatchDays,
    SkuDimensions Dimensions);

/// <summary>A SKU's packed weight and size.</summary>
/// <param name="WeightGrams">Weight in grams.</param>
/// <param name="LengthMm">Length in millimetres.</param>
/// <param name="WidthMm">Width in millimetres.</param>
/// <param name="HeightMm">Height in millimetres.</param>
public sealed record SkuDimensions(int WeightGrams, int LengthMm, int WidthMm, int HeightMm);
