using Marketplace.Payments.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Disputes.List;

/// <summary>The disputes still open, oldest first: the ones whose groups' payouts are frozen.</summary>
internal static class ListOpenDisputes
{
    public static async Task<Ok<OpenDisputesResponse>> Handle(PaymentsDbContext db, IOptions<PaymentsOptions> options, CancellationToken cancellationToken)
    {
        var size = options.Value.DisputeListSize;
        var open = await db.Disputes.AsNoTracking()
            .Where(d => d.Status == DisputeStatus.Open)
            .OrderBy(d => d.OpenedAt).ThenBy(d => d.Id)
            .Take(size + 1)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new OpenDisputesResponse(open.Take(size).Select(DisputeResponse.Of).ToList(), open.Count > size));
    }
}
