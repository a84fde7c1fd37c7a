using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Payments.Payouts.Runs;

/// <summary>An operator starts a payout pass now, besides the scheduled ones; it shares the work with them safely.</summary>
internal static class RunPayoutsNow
{
    public static async Task<Ok<PayoutRunResponse>> Handle(PayoutRun run, CancellationToken cancellationToken) =>
        TypedResults.Ok(await run.RunOnceAsync(cancellationToken));
}
