namespace Marketplace.Identity.ApiKeys;

/// <summary>A seller's machine credential for the bulk APIs. Only the hash of its secret is stored.</summary>
internal sealed class ApiKey
{
    public Guid Id { get; init; }

    public Guid SellerId { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The start of the key as shown in lists, so an owner can tell keys apart without the secret.</summary>
    public string DisplayPrefix { get; init; } = "";

    public byte[] SecretHash { get; init; } = [];

    public Guid CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the key stops working; null for a key without expiry. Rotation brings it forward to the end of the grace period.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The key that replaced this one by rotation; a key is rotated once.</summary>
    public Guid? ReplacedBy { get; init; }
}

/// <summary>Limits of seller API keys; bound from <c>Identity:ApiKeys</c>.</summary>
internal sealed class ApiKeyOptions
{
    /// <summary>The furthest in the future an expiry may be set.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(730);

    /// <summary>How long a rotated key keeps working beside its successor, so that deployments can switch over.</summary>
    public TimeSpan RotationGrace { get; set; } = TimeSpan.FromHours(24);
}
