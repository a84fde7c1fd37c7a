namespace Marketplace.Identity.Contracts;

/// <summary>
/// Where the people behind accounts and sellers are reached, as the accounts hold it now: a mailer asks this at
/// sending time rather than trusting an address copied into an older event.
/// </summary>
public interface IAccountDirectory
{
    /// <summary>The account's email, or null when no such account exists.</summary>
    Task<string?> EmailOfAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>The seller's public name and its owner's email, or null when no such seller exists.</summary>
    Task<SellerContact?> SellerAsync(Guid sellerId, CancellationToken cancellationToken);
}

/// <summary>A seller and the person who answers for it.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Name">Its public name (the seller's own text).</param>
/// <param name="OwnerEmail">The email of its first owner, or null when it has no owner left.</param>
public sealed record SellerContact(Guid SellerId, string Name, string? OwnerEmail);
