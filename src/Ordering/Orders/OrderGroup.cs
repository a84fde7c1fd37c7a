namespace Marketplace.Ordering.Orders;

/// <summary>
/// One checkout: who bought, where it goes, what it costs together, and its payment. It holds one
/// <see cref="SellerOrder"/> per seller of the cart; the payment covers the group.
/// </summary>
internal sealed class OrderGroup
{
    public const int MaxEmailLength = 254;

    public Guid Id { get; init; }

    /// <summary>The human-readable number the customer quotes (unique); each seller order adds a suffix to it.</summary>
    public string Number { get; init; } = "";

    /// <summary>The signed-in customer; null for a guest.</summary>
    public Guid? CustomerId { get; init; }

    /// <summary>Where receipts and notices go: the guest's contact email, or the customer's.</summary>
    public string? ContactEmail { get; init; }

    /// <summary>
    /// The language mails about this checkout are written in: the supported language the checkout's
    /// <c>Accept-Language</c> preferred most, or the default.
    /// </summary>
    public string CheckoutLanguage { get; init; } = Platform.Http.CustomerLanguages.Default;

    /// <summary>SHA-256 of the guest's order access token; null for a customer. The token itself is never stored.</summary>
    public byte[]? GuestTokenHash { get; init; }

    public ShippingAddress ShippingAddress { get; init; } = new();

    public string Currency { get; init; } = "";

    public decimal ItemsTotal { get; init; }

    public decimal DeliveryTotal { get; init; }

    public decimal Total { get; init; }

    /// <summary>The promo codes the cart was priced with, comma-separated, so their uses can be released if the sale fails.</summary>
    public string PromoCodes { get; init; } = "";

    /// <summary>Who owns the cart, as Cart names it, so that the cart's ordered lines can be removed when the payment settles later.</summary>
    public string CartOwner { get; init; } = "";

    public Guid? PaymentId { get; set; }

    public GroupPaymentStatus PaymentStatus { get; set; } = GroupPaymentStatus.Pending;

    /// <summary>The provider's reason when the payment was declined.</summary>
    public string? PaymentDeclineReason { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public List<SellerOrder> Orders { get; init; } = [];
}

/// <summary>Where the payment of a group stands, as the customer reads it.</summary>
internal enum GroupPaymentStatus
{
    /// <summary>Not asked yet, or the provider has not answered.</summary>
    Pending,

    /// <summary>The customer must complete a 3-D Secure step.</summary>
    RequiresAction,

    Authorized,

    Declined,

    /// <summary>Released, or the customer's step was abandoned.</summary>
    Canceled,
}

/// <summary>A shipping address, as given at checkout.</summary>
internal sealed class ShippingAddress
{
    public string Name { get; init; } = "";

    public string Country { get; init; } = "";

    public string PostalCode { get; init; } = "";

    public string City { get; init; } = "";

    /// <summary>Street, house and further lines, one per line.</summary>
    public string Lines { get; init; } = "";
}
