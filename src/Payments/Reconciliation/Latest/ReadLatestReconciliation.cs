using Marketplace.Payments.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Reconciliation.Latest;

/// <summary>The last reconciliation's report, whoever ran it (the job or an admin).</summary>
internal static class ReadLatestReconciliation
{
    public static async Task<Results<Ok<ReconciliationReportResponse>, ProblemHttpResult>> Handle(PaymentsDbContext db, CancellationToken cancellationToken)
    {
        // Ids are version 7, so they sort as the runs were made.
        var last = await db.ReconciliationRuns.AsNoTracking().OrderByDescending(r => r.RanAt).ThenByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return last is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No reconciliation yet", detail: "No reconciliation has run yet; POST /api/v1/admin/reconciliation/runs runs one now.")
            : TypedResults.Ok(LedgerReconciliation.ToResponse(last));
    }
}
