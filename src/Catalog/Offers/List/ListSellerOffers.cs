using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
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
        Guid sellerId, string? cursor, int? limit, CatalogDbContext db, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var size = limit ?? settings.DefaultPageSize;
        if (size < 1 || size > settings.MaxPageSize)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("limit", $"Between 1 and {settings.MaxPageSize}."));
        }

        Guid? after = null;
        if (cursor is not null)
        {
            if (!Cursor.TryDecode<Position>(cursor, out var position))
            {
                return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("cursor", "Not a cursor this endpoint issued."));
            }

            after = position!.After;
        }

        var rows = await SellerOffers.Query(db, sellerId, after: after).Take(size + 1).ToListAsync(cancellationToken);
        var next = rows.Count > size ? Cursor.Encode(new Position(rows[size - 1].OfferId)) : null;
        return TypedResults.Ok(new Page<SellerOfferResponse>(rows.Take(size).ToList(), next));
    }
}
