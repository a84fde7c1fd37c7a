namespace Marketplace.Ordering.Orders;

/// <summary>How an order travels, as chosen at checkout; it decides who may mark it delivered.</summary>
internal enum DeliveryKind
{
    /// <summary>A carrier's courier to the door.</summary>
    CourierToDoor,

    /// <summary>A carrier's pickup point.</summary>
    PickupPoint,

    /// <summary>The seller delivers itself.</summary>
    SellerOwnDelivery,
}
