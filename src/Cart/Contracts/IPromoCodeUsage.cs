using Marketplace.Pricing;

namespace Marketplace.Cart.Contracts;

/// <summary>
/// How often promo codes have been used, and which customers have placed an order. A use counts when an order is
/// placed, not when a code is typed: Ordering calls <see cref="TryRecordPlacedOrderAsync"/> as it places every order
/// (with or without codes), and <see cref="ReleasePlacedOrderAsync"/> when the order does not go through after all.
/// The cart reads the counts, and the mark, to price.
/// </summary>
public interface IPromoCodeUsage
{
    /// <summary>
    /// Counts one use of each code for the order, all or nothing, atomically with the limits: when every code is within
    /// its limits all are counted; otherwise none is, and the answer names each code that is not. Two orders racing for
    /// a code's last use: exactly one gets it. Idempotent per order id: a repeat (a retried order, another replica)
    /// counts nothing and returns the first answer, even after a release. When counted for a signed-in customer, the
    /// customer is marked as having placed an order: pricing no longer sees a new customer.
    /// </summary>
    /// <param name="orderId">The order (or order group) being placed.</param>
    /// <param name="customerId">Who places it, if signed in. A code with a per-customer limit is refused to a guest.</param>
    /// <param name="codes">
    /// The promo codes the order was priced with and their limits (<see cref="CheckoutCart.AppliedPromoCodeLimits"/>,
    /// or <see cref="PromoCodeLimit.From"/> with the rules in force); codes are case-insensitive and a code given twice
    /// counts once (with the first limits given). Empty when the order has no code.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<PromoCodeRecording> TryRecordPlacedOrderAsync(Guid orderId, Guid? customerId, IReadOnlyList<PromoCodeLimit> codes, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back the uses an order counted, exactly once: when its payment is declined or abandoned, or it is cancelled
    /// before payment. True when this call gave them back; false when the order was never counted (unknown, or refused)
    /// or was already released. The customer's placed-order mark stays: a customer whose only order was released is
    /// not new again, because the mark says "has placed an order", and pricing must not flip a customer's segment back
    /// and forth with payment attempts (a new-customer discount would otherwise be won again with every decline).
    /// </summary>
    /// <param name="orderId">The order given to <see cref="TryRecordPlacedOrderAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> ReleasePlacedOrderAsync(Guid orderId, CancellationToken cancellationToken);

    /// <summary>
    /// The uses so far of each code, in total and by the customer (zero for an unknown code or no customer), keyed by
    /// code without regard to case; and whether the customer has placed an order (false for no customer).
    /// </summary>
    Task<BuyerUsage> GetAsync(IReadOnlyCollection<string> codes, Guid? customerId, CancellationToken cancellationToken);
}

/// <summary>Uses of one promo code so far.</summary>
/// <param name="Total">In placed orders by everybody.</param>
/// <param name="ByCustomer">In placed orders by the customer asked about.</param>
public sealed record PromoCodeUses(long Total, long ByCustomer);

/// <summary>What pricing needs to know of a buyer's past: promo-code uses, and whether an order was ever placed.</summary>
/// <param name="Uses">The uses of each code asked about, keyed without regard to case.</param>
/// <param name="HasPlacedOrder">True when the customer has had an order counted (released ones included).</param>
public sealed record BuyerUsage(IReadOnlyDictionary<string, PromoCodeUses> Uses, bool HasPlacedOrder);

/// <summary>A promo code and the limits its uses are counted against.</summary>
/// <param name="Code">The code, case-insensitive.</param>
/// <param name="MaxTotalUses">Uses allowed in total; null for unlimited.</param>
/// <param name="MaxUsesPerCustomer">Uses allowed per customer account; null for unlimited. A guest cannot use a code that has one.</param>
public sealed record PromoCodeLimit(string Code, int? MaxTotalUses, int? MaxUsesPerCustomer)
{
    /// <summary>
    /// The limits of <paramref name="code"/> in <paramref name="rules"/> (<c>promoCodes[].maxUses</c> and
    /// <c>maxUsesPerCustomer</c>), matched as pricing matches codes (case and surrounding spaces do not count).
    /// A code the rules do not define has no limits.
    /// </summary>
    public static PromoCodeLimit From(PricingRules rules, string code)
    {
        var definition = rules.PromoCodes.FirstOrDefault(p => string.Equals(p.Code.Trim(), code.Trim(), StringComparison.OrdinalIgnoreCase));
        return new PromoCodeLimit(code, definition?.MaxUses, definition?.MaxUsesPerCustomer);
    }
}

/// <summary>The answer to recording an order's promo-code uses.</summary>
/// <param name="Recorded">True when every code was within its limits and all were counted; false when none was.</param>
/// <param name="Refused">Each code that stood in the way, with why; empty when recorded.</param>
public sealed record PromoCodeRecording(bool Recorded, IReadOnlyList<PromoCodeRefusal> Refused);

/// <summary>A promo code that could not be counted.</summary>
/// <param name="Code">The code (upper case).</param>
/// <param name="Reason">Which limit stood in the way.</param>
public sealed record PromoCodeRefusal(string Code, PromoCodeRefusalReason Reason);

/// <summary>Why a promo-code use could not be counted.</summary>
public enum PromoCodeRefusalReason
{
    /// <summary>The code's uses in total are spent.</summary>
    UsageLimitReached,

    /// <summary>The customer has used the code as often as it may.</summary>
    CustomerUsageLimitReached,

    /// <summary>The code has a per-customer limit and the buyer is a guest.</summary>
    SignInRequired,
}
