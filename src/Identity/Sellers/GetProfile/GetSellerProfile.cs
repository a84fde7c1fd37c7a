using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers.GetProfile;

internal static class GetSellerProfile
{
    public static async Task<Results<Ok<SellerProfile>, NotFound>> Handle(Guid sellerId, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var seller = await db.Sellers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sellerId, cancellationToken);
        return seller is null ? TypedResults.NotFound() : TypedResults.Ok(SellerProfile.Of(seller));
    }
}
