namespace Marketplace.Identity.Sellers.Invitations;

/// <summary>
/// An owner's offer to an email to act for the seller. Nobody becomes a member without accepting it while signed
/// in with that email, and inviting says nothing about whether the email has an account.
/// </summary>
internal sealed class SellerInvitation
{
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string Withdrawn = "withdrawn";

    public Guid Id { get; init; }

    public Guid SellerId { get; init; }

    /// <summary>The address as the owner typed it, for the team list and the mail.</summary>
    public string Email { get; init; } = "";

    /// <summary>Matched against the signed-in account's normalized email when the invitee answers.</summary>
    public string NormalizedEmail { get; init; } = "";

    /// <summary>
    /// SHA-256 of the secret code mailed to the address. Emails are not verified, so matching the account's email
    /// alone would let anyone who registers an invited address first take the membership; the code proves the
    /// invitee read the mail.
    /// </summary>
    public byte[] CodeHash { get; init; } = [];

    public Guid InvitedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Null while the invitation is open; otherwise accepted, declined or withdrawn.</summary>
    public string? Outcome { get; init; }

    public DateTimeOffset? AnsweredAt { get; init; }
}

/// <summary>Limits of seller invitations; bound from <c>Identity:Invitations</c>.</summary>
internal sealed class InvitationOptions
{
    /// <summary>How long an invitation can be accepted.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Invitations one seller may send per hour; each one mails a stranger, so this caps spam through us.</summary>
    public int PerSellerPerHour { get; set; } = 20;
}
