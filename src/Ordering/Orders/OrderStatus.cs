namespace Marketplace.Ordering.Orders;

/// <summary>Where one seller's order stands. Only <see cref="OrderTransitions"/> moves an order between them.</summary>
internal enum OrderStatus
{
    /// <summary>Checked out; the payment is not authorised yet (a 3-D Secure step may be pending).</summary>
    PendingPayment,

    /// <summary>Paid (authorised) and waiting for the seller to accept it.</summary>
    Placed,

    /// <summary>The seller has taken it on and is preparing the dispatch.</summary>
    Accepted,

    /// <summary>Handed to the carrier, or on its way with the seller's own delivery.</summary>
    Shipped,

    /// <summary>At the customer's address or pickup point.</summary>
    Delivered,

    /// <summary>The customer confirmed receipt; the sale is final.</summary>
    Completed,

    /// <summary>Ended before shipping: payment failed or expired, the seller rejected it, or the customer cancelled it.</summary>
    Cancelled,
}
