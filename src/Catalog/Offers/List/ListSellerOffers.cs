using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Offers.List;

internal static class ListSellerOffers
{
    private sealed record Position(Guid After);

    public static async Task<Results<Ok<Page<SellerOfferResponse>>, ValidationProblem>> Handle(
        Guid sellerId, PageRequest paging, CatalogDbContext db, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!paging.TryRead<Position>(options.Value.PageLimits, out var page, out var problem))
        {
            return problem;
        }

        var rows = await SellerOffers.Query(db, sellerId, after: page.After?.After).Take(page.Fetch).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, r => new Position(r.OfferId), r => r));
    }
}
