namespace Marketplace.Pricing.Engine;

/// <summary>A free-delivery rule with its scope read once.</summary>
internal sealed record CompiledFreeDelivery(FreeDeliveryRule Source, bool WholeOrder, HashSet<Guid>? Sellers)
{
    public bool CoversSeller(Guid sellerId) => Sellers is null || Sellers.Contains(sellerId);
}
