namespace Marketplace.Identity.Contracts;

/// <summary>
/// Someone tried to register an email that already has an account. Registration answers exactly as for a new
/// account, so the address's owner learns of the attempt only through this notice (a mailer sends it on). A
/// mailer should collapse repeats for one address, because anyone can trigger this as often as the registration
/// rate limit allows.
/// </summary>
/// <param name="Email">The registered address, as the account holds it.</param>
/// <param name="AttemptedAt">When the registration was attempted.</param>
public sealed record EmailAlreadyRegistered(string Email, DateTimeOffset AttemptedAt);

/// <summary>
/// A seller's owner invited an email to act for the seller. The invitee accepts or declines after signing in
/// (registering first if needed) with that email; a mailer tells them so.
/// </summary>
/// <param name="InvitationId">The invitation, as listed under <c>GET /api/v1/me/invitations</c>.</param>
/// <param name="SellerId">The seller the invitee would act for.</param>
/// <param name="SellerName">The seller's public name, for the message.</param>
/// <param name="Email">The invited address, as the owner typed it.</param>
/// <param name="Code">
/// The secret the invitee presents to accept (<c>POST /api/v1/me/invitations/{id}/accept</c> with <c>{"code"}</c>): it goes
/// into the mail only, never into a log, so that whoever registers the address first cannot take the membership.
/// </param>
/// <param name="ExpiresAt">When the invitation lapses unanswered.</param>
public sealed record SellerInvitationCreated(Guid InvitationId, Guid SellerId, string SellerName, string Email, string Code, DateTimeOffset ExpiresAt);
