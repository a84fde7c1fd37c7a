namespace Marketplace.Ordering.Checkout.Idempotency;

/// <summary>
/// One Idempotency-Key of a checkout, per cart owner: the hash of the request it first came with, and once the checkout
/// has an answer, that answer (status and body), which every repeat replays. The row is written in the same transaction
/// as the order group, under a unique index on (owner scope, key), so concurrent duplicates make one order.
/// </summary>
internal sealed class IdempotencyRecord
{
    public const int MaxKeyLength = 255;

    public const int MaxOwnerScopeLength = 100;

    public Guid Id { get; init; }

    /// <summary>Whose key it is: <c>customer:{id}</c>, or <c>guest:{hash of the cart token}</c>.</summary>
    public string OwnerScope { get; init; } = "";

    public string Key { get; init; } = "";

    /// <summary>SHA-256 of the request body in canonical form, to tell a repeat from another request under the same key.</summary>
    public byte[] RequestHash { get; init; } = [];

    /// <summary>The order group the first request made.</summary>
    public Guid OrderGroupId { get; init; }

    /// <summary>
    /// The process that ran the first request (<see cref="Place.CheckoutRunner"/>): when it has stopped beating while the
    /// key is unanswered, the checkout stopped with it. Null on keys written before runners were recorded.
    /// </summary>
    public Guid? RunnerId { get; init; }

    /// <summary>The HTTP status of the first answer; null while the first request is still running.</summary>
    public int? ResponseStatus { get; set; }

    /// <summary>The body of the first answer, as JSON (a guest's order token is not kept in it; it is derived again on replay).</summary>
    public string? ResponseBody { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the key may be forgotten: at least <c>Ordering:IdempotencyKeyLifetime</c> (24 hours) after its first use.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}
