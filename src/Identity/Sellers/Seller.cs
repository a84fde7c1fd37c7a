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
