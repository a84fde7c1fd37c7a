using Marketplace.Platform;

namespace Marketplace.Ordering.Contracts;

/// <summary>
/// Reads a seller order as the customer was sold it, with where the customer is told about it: what a mail about
/// the order needs beyond its events, which stay the same for every reader.
/// </summary>
public interface IOrderNotices
{
    /// <summary>
    /// The orders with their checkouts' contacts and lines, by order id, in two reads however many there are; an id
    /// with no such order is absent from the answer.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, OrderNotice>> FindAllAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken cancellationToken);
}

/// <summary>A seller order and its checkout's contact, as a notice to the customer needs them.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="CustomerId">The signed-in customer; null for a guest.</param>
/// <param name="ContactEmail">The email given at checkout (a guest's, or the one a customer typed), when any.</param>
/// <param name="Language">The language chosen at checkout from its <c>Accept-Language</c> (ISO 639-1).</param>
/// <param name="DeliveryService">The delivery service chosen at checkout, as the customer saw it named.</param>
/// <param name="DeliveryPrice">What the delivery costs.</param>
/// <param name="Total">What the customer pays for this order (items and delivery).</param>
/// <param name="Lines">The lines, as priced at checkout.</param>
public sealed record OrderNotice(
    Guid OrderId,
    Guid OrderGroupId,
    string Number,
    Guid SellerId,
    Guid? CustomerId,
    string? ContactEmail,
    string Language,
    string DeliveryService,
    Money DeliveryPrice,
    Money Total,
    IReadOnlyList<OrderNoticeLine> Lines);

/// <summary>One line of an order, for a notice.</summary>
/// <param name="Title">The product's title at checkout (the seller's text).</param>
/// <param name="Quantity">Units bought.</param>
/// <param name="LineTotal">What the line costs after its discounts.</param>
public sealed record OrderNoticeLine(string Title, int Quantity, Money LineTotal);
