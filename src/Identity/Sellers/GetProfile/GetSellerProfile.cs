using System.Security.Claims;
using Marketplace.Identity.Contracts;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers.GetProfile;

internal static class GetSellerProfile
{
    public static async Task<Results<Ok<SellerProfile>, NotFound>> Handle(
        Guid sellerId, ClaimsPrincipal caller, IdentityDbContext db, IEnumerable<ISellerPayoutReadiness> payouts, CancellationToken cancellationToken)
    {
        var seller = await db.Sellers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sellerId, cancellationToken);
        if (seller is null)
        {
            return TypedResults.NotFound();
        }

        var profile = SellerProfile.Of(seller);
        if (caller.MayRead(sellerId) && payouts.FirstOrDefault() is { } readiness)
        {
            profile = profile with { Payouts = SellerPayouts.Of(await readiness.OfAsync(sellerId, cancellationToken)) };
        }

        return TypedResults.Ok(profile);
    }
}
