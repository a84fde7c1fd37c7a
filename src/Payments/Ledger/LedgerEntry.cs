namespace Marketplace.Payments.Ledger;

/// <summary>The kinds of account money sits in.</summary>
internal enum LedgerAccountKind
{
    /// <summary>The customers' money the platform received and has not yet passed on: escrow.</summary>
    BuyerFunds,

    /// <summary>What the payment provider holds for the platform (Stripe's balance, or the sandbox's).</summary>
    ProviderBalance,

    /// <summary>The platform's commission.</summary>
    PlatformRevenue,

    /// <summary>What the platform owes one seller.</summary>
    SellerPayable,

    /// <summary>Money the provider withdrew for an open dispute: with the card network until the dispute is won or lost.</summary>
    DisputedFunds,
}

/// <summary>
/// One balanced movement of money: its entries add up to zero in its currency. Written once, never changed; its key
/// (unique) names the business event, so that booking the same event again is refused by the database.
/// </summary>
internal sealed class LedgerTransaction
{
    public const int MaxKeyLength = 120;

    public Guid Id { get; init; }

    /// <summary>The business event booked, such as <c>capture:{paymentId}</c>.</summary>
    public required string Key { get; init; }

    public required string Kind { get; init; }

    public Guid PaymentId { get; init; }

    public Guid OrderGroupId { get; init; }

    public required string Currency { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    public List<LedgerEntry> Entries { get; init; } = [];

    /// <summary>A new transaction, its id ordered by <paramref name="at"/>; its entries come from <see cref="Add"/>.</summary>
    public static LedgerTransaction Open(string key, string kind, Guid paymentId, Guid orderGroupId, string currency, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        Key = key,
        Kind = kind,
        PaymentId = paymentId,
        OrderGroupId = orderGroupId,
        Currency = currency,
        RecordedAt = at,
    };

    /// <summary>
    /// Adds one entry, in the transaction's currency and at its time, about the seller order named (if any); the seller is
    /// recorded on a seller's payable account only.
    /// </summary>
    public void Add(string account, LedgerAccountKind kind, long amount, string reason, Guid? orderId = null, string? orderNumber = null, Guid? sellerId = null) =>
        Entries.Add(new LedgerEntry
        {
            TransactionId = Id,
            Account = account,
            AccountKind = kind,
            SellerId = kind == LedgerAccountKind.SellerPayable ? sellerId : null,
            OrderId = orderId,
            OrderNumber = orderNumber,
            Amount = amount,
            Currency = Currency,
            Reason = reason,
            RecordedAt = RecordedAt,
        });
}

/// <summary>
/// One side of a movement on one account, in minor units: positive is a debit (money arriving in an asset account, or
/// leaving a liability), negative a credit. A seller's balance is what its payable account was credited, net.
/// </summary>
internal sealed class LedgerEntry
{
    public const int MaxAccountLength = 80;
    public const int MaxReasonLength = 40;
    public const int MaxOrderNumberLength = 40;

    /// <summary>Increasing in write order: the statement's keyset.</summary>
    public long Sequence { get; init; }

    public Guid TransactionId { get; init; }

    /// <summary>The account's code: <c>buyer_funds</c>, <c>provider:stripe</c>, <c>platform_revenue</c>, <c>seller_payable:{sellerId}</c>.</summary>
    public required string Account { get; init; }

    public LedgerAccountKind AccountKind { get; init; }

    public Guid? SellerId { get; init; }

    public Guid? OrderId { get; init; }

    public string? OrderNumber { get; init; }

    public long Amount { get; init; }

    public required string Currency { get; init; }

    /// <summary>Why the money moved, as a statement shows it: <c>capture</c>, <c>order_share</c>, <c>commission</c>.</summary>
    public required string Reason { get; init; }

    public DateTimeOffset RecordedAt { get; init; }
}

/// <summary>The accounts' codes.</summary>
internal static class LedgerAccounts
{
    public const string BuyerFunds = "buyer_funds";
    public const string PlatformRevenue = "platform_revenue";
    public const string DisputedFunds = "disputed_funds";

    public static string Provider(string provider) => $"provider:{provider}";

    public static string SellerPayable(Guid sellerId) => $"seller_payable:{sellerId}";
}
