using System.Security.Claims;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers.Invitations.Withdraw;

internal static class WithdrawInvitation
{
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Handle(
        Guid sellerId, Guid invitationId, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await SellerOwnership.IsOwnerAsync(db, sellerId, caller.UserId(), cancellationToken))
        {
            return SellerOwnership.NotOwner("withdraw invitations");
        }

        var now = clock.GetUtcNow();
        var withdrawn = await db.SellerInvitations
            .Where(i => i.Id == invitationId && i.SellerId == sellerId && i.Outcome == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Outcome, SellerInvitation.Withdrawn).SetProperty(i => i.AnsweredAt, now), cancellationToken);
        return withdrawn == 1 ? TypedResults.NoContent() : TypedResults.NotFound();
    }
}
