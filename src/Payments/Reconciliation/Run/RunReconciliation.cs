using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Payments.Reconciliation.Run;

/// <summary>Reconciles now, as the job does, and answers the report.</summary>
internal static class RunReconciliation
{
    public static async Task<Ok<ReconciliationReportResponse>> Handle(LedgerReconciliation reconciliation, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reconciliation.RunAsync(cancellationToken));
}
