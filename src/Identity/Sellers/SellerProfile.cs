namespace Marketplace.Identity.Sellers;

/// <summary>What anyone may see of a seller.</summary>
internal sealed record SellerProfile(Guid SellerId, string Name, string CountryCode, DateTimeOffset RegisteredAt)
{
    public static SellerProfile Of(Seller seller) => new(seller.Id, seller.Name, seller.CountryCode, seller.RegisteredAt);
}
