using Marketplace.Payments.Disputes.List;
using Marketplace.Payments.Ledger.PlatformBalances;
using Marketplace.Payments.Payouts.Runs;
using Marketplace.Payments.Reconciliation.Latest;
using Marketplace.Payments.Reconciliation.Run;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Payments;

/// <summary>The platform's money, for admins: the ledger's accounts, and its reconciliation with the provider.</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/ledger/balances", ReadLedgerBalances.Handle)
            .WithName("GetLedgerBalances")
            .WithTags("Admin money")
            .WithSummary("The platform's ledger accounts per currency: the provider's balance, buyer funds, revenue and what is owed to sellers")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .NeverStored();
        var reconciliation = app.MapGroup("/api/v1/admin/reconciliation")
            .WithTags("Admin money")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .NeverStored();
        reconciliation.MapGet("/", ReadLatestReconciliation.Handle)
            .WithName("GetLatestReconciliation")
            .WithSummary("The last reconciliation of the provider's balance transactions with the ledger: every movement missing on either side or differing in amount")
            .WithDescription(
                "The job runs every Payments:ReconciliationInterval over the last Payments:ReconciliationLookback, ending Payments:ReconciliationSettleDelay ago; "
                + "404 until one has run. The metric marketplace.payments.reconciliation.differences (meter Marketplace.Payments) counts the last run's differences.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        reconciliation.MapPost("/runs", RunReconciliation.Handle)
            .WithName("RunReconciliation")
            .WithSummary("Reconcile now, as the job does, and answer the report; it becomes the last one");
        app.MapPost("/api/v1/admin/payouts/run", RunPayoutsNow.Handle)
            .WithName("RunPayouts")
            .WithTags("Admin money")
            .WithSummary("Run a payout pass now: pay every seller order whose protection window has passed and whose seller's account is ready")
            .WithDescription(
                "The same pass the scheduler runs on the rules' payouts.schedule; passes running at once never take the same order, and a seller "
                + "order is transferred once (idempotency key payout:{orderId}) however often it is run.")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .NeverStored();
        app.MapGet("/api/v1/admin/disputes", ListOpenDisputes.Handle)
            .WithName("ListOpenDisputes")
            .WithTags("Admin money")
            .WithSummary("The disputes (chargebacks) still open, oldest first: each freezes the payouts of its checkout's seller orders not yet paid out")
            .WithDescription("At most Payments:DisputeListSize of them; more is true when there are others.")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .NeverStored();
        return app;
    }
}
