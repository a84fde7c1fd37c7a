namespace Marketplace.Cart.Contracts;

/// <summary>
/// How often promo codes have been used. A use counts when an order is placed, not when a code is typed: Ordering
/// calls <see cref="RecordPlacedOrderAsync"/> as it places an order, and the cart reads the counts to price.
/// </summary>
public interface IPromoCodeUsage
{
    /// <summary>
    /// Counts one use of each code for the order. Recording the same order again counts nothing (Ordering may retry),
    /// and returns false.
    /// </summary>
    /// <param name="orderId">The placed order.</param>
    /// <param name="customerId">Who placed it, if signed in.</param>
    /// <param name="codes">The promo codes the order was priced with (case-insensitive; duplicates count once).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> RecordPlacedOrderAsync(Guid orderId, Guid? customerId, IReadOnlyCollection<string> codes, CancellationToken cancellationToken);

    /// <summary>
    /// The uses so far of each code, in total and by the customer (zero for an unknown code or no customer), keyed by
    /// code without regard to case.
    /// </summary>
    Task<IReadOnlyDictionary<string, PromoCodeUses>> GetAsync(IReadOnlyCollection<string> codes, Guid? customerId, CancellationToken cancellationToken);
}

/// <summary>Uses of one promo code so far.</summary>
/// <param name="Total">In placed orders by everybody.</param>
/// <param name="ByCustomer">In placed orders by the customer asked about.</param>
public sealed record PromoCodeUses(long Total, long ByCustomer);
