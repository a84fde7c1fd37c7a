using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Offers.Delete;

internal static class DeleteOffer
{
    /// <summary>Withdraws the seller's offer; the event reports it with zero stock, so summaries and caches drop it.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid sellerId, Guid skuId, CatalogDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var offer = await db.Offers.FirstOrDefaultAsync(o => o.SellerId == sellerId && o.SkuId == skuId, cancellationToken);
        if (offer is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The seller has no offer on this SKU.");
        }

        var now = clock.GetUtcNow();
        db.Offers.Remove(offer);
        db.Publish(OfferWriter.Changed(offer, now) with { Stock = 0 }, clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "The offer changed while it was being withdrawn; retry.");
        }

        return TypedResults.NoContent();
    }
}
