namespace Marketplace.Notifications.Email;

/// <summary>
/// One mail in the mail outbox: queued by a consumer, sent by <see cref="MailDispatcher"/> with retries. Its
/// <see cref="DedupeKey"/> (the event it tells of, and its recipient) is unique, so an event delivered twice queues one
/// mail. Once sent, the bodies are dropped (they may carry secrets); the row stays as the log.
/// </summary>
internal sealed class OutgoingMail
{
    public const int MaxDedupeKeyLength = 400;
    public const int MaxSubjectLength = 300;
    public const int MaxErrorLength = 500;

    /// <summary>The claim order and the key.</summary>
    public long Sequence { get; init; }

    /// <summary>The mail's id; its Message-Id on every attempt.</summary>
    public Guid Id { get; init; }

    public string DedupeKey { get; init; } = "";

    /// <summary>What the mail tells, as <see cref="MailKinds"/> names it.</summary>
    public string Kind { get; init; } = "";

    public string Language { get; init; } = "";

    public string Recipient { get; init; } = "";

    public string Subject { get; init; } = "";

    public string? HtmlBody { get; set; }

    public string? TextBody { get; set; }

    public MailStatus Status { get; set; } = MailStatus.Pending;

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Set while a replica is sending it; another replica may claim it once this has passed.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was sent or given up.</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}

internal enum MailStatus
{
    Pending,
    Sent,

    /// <summary>Given up: refused by the server for good, or not sent within <c>MaxMailAge</c>.</summary>
    Failed,
}

/// <summary>The kinds of mail, as rows and logs name them.</summary>
internal static class MailKinds
{
    public const string OrderPlaced = "order-placed";
    public const string OrderShipped = "order-shipped";
    public const string OrderDelivered = "order-delivered";
    public const string OrderCancelled = "order-cancelled";
    public const string RefundIssued = "refund-issued";
    public const string AccountAlreadyExists = "account-already-exists";
    public const string SellerInvitation = "seller-invitation";
    public const string WebhookEndpointDisabled = "webhook-endpoint-disabled";
    public const string SellerOrderUnpaid = "seller-order-unpaid";
}
