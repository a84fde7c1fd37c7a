using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Offers.Upsert;

internal static class UpsertOffer
{
    public static async Task<Results<Created<SellerOfferResponse>, Ok<SellerOfferResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid skuId, UpsertOfferRequest request, CatalogDbContext db, OfferWriter writer, CancellationToken cancellationToken)
    {
        var sku = await db.Skus.AsNoTracking().Where(s => s.Id == skuId).Select(s => new { s.Id, s.ProductId }).FirstOrDefaultAsync(cancellationToken);
        if (sku is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No SKU has this id.");
        }

        var outcomes = await writer.WriteAsync(sellerId, [new OfferUpsert(1, sku.Id, sku.ProductId, request.Price, request.Stock, request.DispatchDays)], cancellationToken);
        var offer = await SellerOffers.Query(db, sellerId, skuId).FirstAsync(cancellationToken);
        return outcomes[1] == RowOutcome.Created
            ? TypedResults.Created($"/api/v1/sellers/{sellerId}/offers/{skuId}", offer)
            : TypedResults.Ok(offer);
    }
}
