namespace Marketplace.Ordering.Orders;

/// <summary>
/// One seller's part of a checkout: its lines, its delivery, and where it stands. It changes only through
/// <see cref="Apply"/>, which keeps <see cref="OrderTransitions"/>, bumps <see cref="Version"/> and writes a history row.
/// </summary>
internal sealed class SellerOrder
{
    public Guid Id { get; init; }

    /// <summary>The checkout (order group) this order belongs to.</summary>
    public Guid GroupId { get; init; }

    public Guid SellerId { get; init; }

    /// <summary>The number customers and sellers quote: the group's number and a suffix per seller.</summary>
    public string Number { get; init; } = "";

    public DeliveryKind DeliveryKind { get; init; }

    /// <summary>The signed-in customer who bought it; null for a guest (the group holds the guest's email and token).</summary>
    public Guid? CustomerId { get; init; }

    /// <summary>The ISO 4217 currency of every amount of the order.</summary>
    public string Currency { get; init; } = "";

    /// <summary>The lines' totals together, after their discounts, as priced at checkout.</summary>
    public decimal ItemsTotal { get; init; }

    /// <summary>What the customer pays for this order: items and delivery.</summary>
    public decimal Total { get; init; }

    /// <summary>
    /// What refunds have given back (or are giving back) of <see cref="Total"/>, by line or by amount. Moved only by a
    /// conditional update that keeps it at most the total; the order's cancellation after its capture refunds the rest
    /// in Payments, not here.
    /// </summary>
    public decimal RefundedAmount { get; init; }

    /// <summary>The delivery option chosen at checkout, as it was quoted.</summary>
    public DeliverySnapshot Delivery { get; init; } = new();

    public List<OrderLine> Lines { get; init; } = [];

    public OrderStatus Status { get; private set; } = OrderStatus.PendingPayment;

    /// <summary>The last transition applied, so that repeating it is recognised and changes nothing.</summary>
    public OrderTransition? LastTransition { get; private set; }

    /// <summary>Bumped by every transition; the optimistic concurrency token and the ETag.</summary>
    public int Version { get; private set; } = 1;

    public string? Carrier { get; private set; }

    public string? TrackingNumber { get; private set; }

    /// <summary>Why it was cancelled: the seller's reason, the payment's decline, or the customer's words.</summary>
    public string? CancellationReason { get; private set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When its payment was authorised and it was placed; null while it waits for its payment, or never was.</summary>
    public DateTimeOffset? PlacedAt { get; private set; }

    /// <summary>When it was marked shipped.</summary>
    public DateTimeOffset? ShippedAt { get; private set; }

    /// <summary>When it was marked delivered (or its receipt confirmed without a delivery before).</summary>
    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>Its service-level deadlines, set when it is placed, and which of them it missed.</summary>
    /// <remarks>EF reads a row whose deadline columns are all null (an order not placed yet) as no instance at all.</remarks>
    public OrderSla Sla
    {
        get => _sla ??= new();
        init => _sla = value;
    }

    private OrderSla? _sla;

    public List<OrderHistoryEntry> History { get; init; } = [];

    /// <summary>
    /// Applies <paramref name="transition"/> for <paramref name="actor"/>: moved, unchanged (the same transition was the
    /// last one applied), not allowed (this kind of actor may never ask it), or refused (illegal from here, or a guard
    /// broken) — and only a move changes anything.
    /// </summary>
    public TransitionOutcome Apply(OrderTransition transition, OrderActor actor, TransitionDetails details, DateTimeOffset now)
    {
        var rule = OrderTransitions.RuleOf(transition);
        if ((rule.AllowedActors & actor.Kind) == 0)
        {
            return TransitionOutcome.NotAllowed(transition, actor.Kind);
        }

        if (Status == rule.To && LastTransition == transition)
        {
            return TransitionOutcome.Unchanged(Status);
        }

        if (!rule.From.Contains(Status))
        {
            return TransitionOutcome.Refused("IllegalTransition", $"An order that is {Status} cannot take '{transition}'; it is possible from {string.Join(", ", rule.From)} only.");
        }

        foreach (var guard in rule.Guards)
        {
            if (guard.IsBroken(this, actor, details))
            {
                return TransitionOutcome.Refused(guard.Name, guard.Message);
            }
        }

        var from = Status;
        Status = rule.To;
        LastTransition = transition;
        Version++;
        UpdatedAt = now;
        switch (rule.To)
        {
            case OrderStatus.Placed:
                PlacedAt = now;
                break;
            case OrderStatus.Shipped:
                ShippedAt = now;
                break;
            case OrderStatus.Delivered or OrderStatus.Completed:
                DeliveredAt ??= now;
                break;
        }

        if (transition == OrderTransition.MarkShipped)
        {
            Carrier = details.Carrier?.Trim();
            TrackingNumber = details.TrackingNumber?.Trim();
        }

        if (rule.To == OrderStatus.Cancelled)
        {
            CancellationReason = details.Reason?.Trim();
        }

        History.Add(new OrderHistoryEntry
        {
            OrderId = Id,
            Version = Version,
            Transition = transition,
            From = from,
            To = rule.To,
            ActorKind = actor.Kind,
            ActorId = actor.Id,
            Reason = details.Reason?.Trim(),
            At = now,
        });
        return TransitionOutcome.Moved(from, rule.To);
    }
}

/// <summary>
/// An order's service-level deadlines (accept by, ship by, deliver by), set when it is placed, and the flags their
/// timers raise when one passes (<see cref="Deadlines.DeadlineSweeper"/>). A missed accept-by cancels the order instead.
/// </summary>
internal sealed class OrderSla
{
    public DateTimeOffset? AcceptBy { get; set; }

    public DateTimeOffset? ShipBy { get; set; }

    public DateTimeOffset? DeliverBy { get; set; }

    /// <summary>When the ship-by timer found it not shipped: the seller missed its dispatch promise.</summary>
    public DateTimeOffset? ShipMissedAt { get; set; }

    /// <summary>When the deliver-by timer found it not delivered: the customer's parcel is late.</summary>
    public DateTimeOffset? DeliveryLateAt { get; set; }
}

/// <summary>One row of an order's timeline: who moved it, when, and why.</summary>
internal sealed class OrderHistoryEntry
{
    public Guid OrderId { get; init; }

    /// <summary>The order's version this transition produced; with the order id, the row's key.</summary>
    public int Version { get; init; }

    public OrderTransition Transition { get; init; }

    public OrderStatus From { get; init; }

    public OrderStatus To { get; init; }

    public ActorKind ActorKind { get; init; }

    public string ActorId { get; init; } = "";

    public string? Reason { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>What asking for a transition came to.</summary>
internal sealed record TransitionOutcome(TransitionOutcomeKind Kind, OrderStatus? From, OrderStatus? To, string? Rule, string? Message)
{
    public static TransitionOutcome Moved(OrderStatus from, OrderStatus to) => new(TransitionOutcomeKind.Moved, from, to, null, null);

    public static TransitionOutcome Unchanged(OrderStatus status) => new(TransitionOutcomeKind.Unchanged, status, status, null, null);

    public static TransitionOutcome Refused(string rule, string message) => new(TransitionOutcomeKind.Refused, null, null, rule, message);

    public static TransitionOutcome NotAllowed(OrderTransition transition, ActorKind actor) =>
        new(TransitionOutcomeKind.NotAllowed, null, null, "ActorNotAllowed", $"'{transition}' cannot be asked by a {actor}.");
}

internal enum TransitionOutcomeKind
{
    /// <summary>The order moved; a history row and an event follow.</summary>
    Moved,

    /// <summary>The same transition was already the last one applied: nothing changed (a repeated request).</summary>
    Unchanged,

    /// <summary>Illegal from the order's state, or a named guard is broken: 409, nothing changed.</summary>
    Refused,

    /// <summary>This kind of caller may never ask this transition: 403.</summary>
    NotAllowed,
}
