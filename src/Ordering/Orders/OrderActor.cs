namespace Marketplace.Ordering.Orders;

/// <summary>Who may ask for a transition: the flags a rule allows.</summary>
[Flags]
internal enum ActorKind
{
    None = 0,

    /// <summary>The buyer: a signed-in customer, or a guest holding the order's access token.</summary>
    Customer = 1,

    /// <summary>A member or API key of the seller the order belongs to.</summary>
    Seller = 2,

    /// <summary>The platform itself: payment events, carrier tracking, sweepers.</summary>
    System = 4,

    /// <summary>Marketplace staff acting on a support case.</summary>
    Admin = 8,
}

/// <summary>Who asked, as the history records it: the kind, and the account, seller or component.</summary>
internal readonly record struct OrderActor(ActorKind Kind, string Id)
{
    public static OrderActor Customer(Guid? accountId) => new(ActorKind.Customer, accountId?.ToString() ?? "guest");

    public static OrderActor Seller(Guid sellerId) => new(ActorKind.Seller, sellerId.ToString());

    public static OrderActor System(string component) => new(ActorKind.System, component);

    public static OrderActor Admin(Guid accountId) => new(ActorKind.Admin, accountId.ToString());
}
