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

    public DateTimeOffset? LastUsedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}
