using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Offers.Upsert;

internal static class UpsertOffer
{
    // One offer through the writer the bulk files use. The writer resolves the SKU and returns the offer as written, so a
    // change costs one statement, its outbox row and the commit; only a request that changes nothing reads the offer back.
    // Round trips are what a single update waits for when shoppers' reads keep the cores busy. (A comment, not a summary:
    // the OpenAPI document takes a handler's XML summary as the operation's.)
    public static async Task<Results<Created<SellerOfferResponse>, Ok<SellerOfferResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid skuId, UpsertOfferRequest request, CatalogDbContext db, OfferWriter writer, CancellationToken cancellationToken)
    {
        var written = (await writer.WriteAsync(sellerId, [new OfferUpsert(1, skuId, request.Price, request.Stock, request.DispatchDays)], cancellationToken))[1];
        if (written.Outcome == RowOutcome.Rejected)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No SKU has this id.");
        }

        var offer = written.Offer ?? await SellerOffers.Query(db, sellerId, skuId).FirstAsync(cancellationToken);
        return written.Outcome == RowOutcome.Created
            ? TypedResults.Created($"/api/v1/sellers/{sellerId}/offers/{skuId}", offer)
            : TypedResults.Ok(offer);
    }
}
