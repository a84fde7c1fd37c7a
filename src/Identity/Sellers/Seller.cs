namespace Marketplace.Identity.Sellers;

/// <summary>An organisation that sells through the marketplace; people act for it as its members.</summary>
internal sealed class Seller
{
    public Guid Id { get; init; }

    public string Name { get; init; } = "";

    public string LegalName { get; init; } = "";

    /// <summary>ISO 3166-1 alpha-2 code of the country the seller is registered in.</summary>
    public string CountryCode { get; init; } = "";

    public DateTimeOffset RegisteredAt { get; init; }

    public List<SellerMember> Members { get; init; } = [];

    /// <summary>When an admin suspended the seller; null while it may trade. A suspended seller's members and keys cannot act for it.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>Why the seller was suspended, as the admin wrote it; shown to the seller's members.</summary>
    public string? SuspensionReason { get; set; }
}

/// <summary>An account acting for a seller; the owner may add further members.</summary>
internal sealed class SellerMember
{
    public const string Owner = "owner";
    public const string Member = "member";

    public Guid SellerId { get; init; }

    public Guid UserId { get; init; }

    public string Role { get; init; } = Member;

    public DateTimeOffset JoinedAt { get; init; }
}
