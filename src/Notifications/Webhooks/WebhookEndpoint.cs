namespace Marketplace.Notifications.Webhooks;

/// <summary>A seller's receiver: where its events go, which ones, and the secret they are signed with.</summary>
internal sealed class WebhookEndpoint
{
    public const int MaxUrlLength = 2000;
    public const int MaxReasonLength = 300;

    public Guid Id { get; init; }

    public Guid SellerId { get; init; }

    public string Url { get; set; } = "";

    /// <summary>The subscribed event types, space-separated (the list is short and fixed).</summary>
    public string EventTypes { get; set; } = "";

    public bool Enabled { get; set; } = true;

    /// <summary>Why the endpoint was disabled by the sender (a 410, or failing for too long); null when enabled or disabled by its seller.</summary>
    public string? DisabledReason { get; set; }

    /// <summary><c>whsec_</c> + base64: it signs every delivery, so it is kept, not hashed.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The secret the last rotation replaced; it still signs until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecret { get; set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>When the current run of failed attempts began; null after a success.</summary>
    public DateTimeOffset? FailingSince { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<string> Subscribed => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool IsSubscribedTo(string eventType) => Subscribed.Contains(eventType, StringComparer.Ordinal);

    /// <summary>The secrets that sign a delivery sent at <paramref name="now"/>: the current one, and the replaced one in its grace period.</summary>
    public IEnumerable<string> SigningSecrets(DateTimeOffset now)
    {
        yield return Secret;
        if (PreviousSecret is not null && PreviousSecretExpiresAt > now)
        {
            yield return PreviousSecret;
        }
    }

    public void Rotate(string newSecret, DateTimeOffset now, TimeSpan grace)
    {
        PreviousSecret = Secret;
        PreviousSecretExpiresAt = now + grace;
        Secret = newSecret;
        UpdatedAt = now;
    }

    public void Disable(string reason, DateTimeOffset now)
    {
        Enabled = false;
        DisabledReason = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;
        UpdatedAt = now;
    }
}
