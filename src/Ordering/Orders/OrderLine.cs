namespace Marketplace.Ordering.Orders;

/// <summary>One line of a seller's order, as it was priced at checkout: later price changes never reach it.</summary>
internal sealed class OrderLine
{
    public Guid Id { get; init; }

    public Guid OrderId { get; init; }

    public Guid OfferId { get; init; }

    public Guid SkuId { get; init; }

    /// <summary>The product's category at checkout: the platform's commission on the line depends on it.</summary>
    public Guid CategoryId { get; init; }

    public string SkuCode { get; init; } = "";

    public string Title { get; init; } = "";

    public int Quantity { get; init; }

    /// <summary>The seller's price per unit at checkout.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>What the discounts took off the line, all units together.</summary>
    public decimal Discount { get; init; }

    /// <summary>What the line costs after its discounts.</summary>
    public decimal LineTotal { get; init; }

    /// <summary>
    /// Units refunded so far (pending refunds included). Moved only by a conditional update that keeps it at most
    /// <see cref="Quantity"/>, so concurrent refunds of the same units refund them once.
    /// </summary>
    public int RefundedQuantity { get; init; }

    /// <summary>The pricing explanation of the line (applied rules and their amounts), as JSON, exactly as the cart showed it.</summary>
    public string PricingExplanation { get; init; } = "[]";
}

/// <summary>The delivery option of a seller's order, as the stored quote offered it at checkout.</summary>
internal sealed class DeliverySnapshot
{
    public Guid QuoteId { get; init; }

    public string OptionId { get; init; } = "";

    public string CarrierId { get; init; } = "";

    public string ServiceId { get; init; } = "";

    public string ServiceName { get; init; } = "";

    public decimal Price { get; init; }

    public DateOnly EtaEarliest { get; init; }

    public DateOnly EtaLatest { get; init; }

    /// <summary>Working days the slowest line's offer needs to dispatch, as quoted: the ship-by deadline counts them from placement.</summary>
    public int DispatchDays { get; init; }
}
