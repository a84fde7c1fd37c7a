using FluentValidation;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Disputes;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers.Sandbox;
using Marketplace.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Sandbox.Disputes;

/// <summary>A customer's bank disputes a captured payment's charge, on the sandbox provider.</summary>
/// <param name="PaymentId">The captured payment whose charge is disputed.</param>
/// <param name="Amount">How much is disputed, in major units; the whole captured amount less refunds when absent.</param>
/// <param name="Reason">Stripe's reason code, such as <c>fraudulent</c> or <c>product_not_received</c>; <c>general</c> when absent.</param>
public sealed record OpenSandboxDisputeRequest(Guid? PaymentId, decimal? Amount, string? Reason);

/// <summary>How the card network decides a sandbox dispute.</summary>
public enum SandboxDisputeOutcome
{
    /// <summary>For the platform: the disputed amount is reinstated and the group's payouts are released.</summary>
    Won,

    /// <summary>For the customer: the amount is gone, and the group's seller orders bear it.</summary>
    Lost,
}

/// <summary>The network's decision on a sandbox dispute.</summary>
/// <param name="Outcome">Won or Lost.</param>
public sealed record CloseSandboxDisputeRequest(SandboxDisputeOutcome? Outcome);

internal sealed class OpenSandboxDisputeRequestValidator : AbstractValidator<OpenSandboxDisputeRequest>
{
    public const int MaxReasonLength = Dispute.MaxReasonLength;

    public OpenSandboxDisputeRequestValidator()
    {
        RuleFor(r => r.PaymentId).NotNull().NotEqual(Guid.Empty);
        RuleFor(r => r.Amount).GreaterThan(0m).When(r => r.Amount is not null);
        RuleFor(r => r.Reason).MaximumLength(MaxReasonLength).Matches("^[a-z_]+$").When(r => r.Reason is not null)
            .WithMessage("Give a reason code in lower case with underscores, such as fraudulent or product_not_received.");
    }
}

internal sealed class CloseSandboxDisputeRequestValidator : AbstractValidator<CloseSandboxDisputeRequest>
{
    public CloseSandboxDisputeRequestValidator() => RuleFor(r => r.Outcome).NotNull().IsInEnum();
}

/// <summary>
/// The sandbox's stand-in for a card network, so that the dispute flow can be shown on the embedded profile: an admin
/// opens a dispute on a captured payment and later decides it. Each step changes the sandbox's own state first, then
/// Payments follows it exactly as it follows Stripe's webhook (<see cref="DisputeDesk"/>): by reading the dispute again.
/// </summary>
internal static class SandboxDisputes
{
    public const string DefaultReason = "general";

    public static async Task<Results<Created<DisputeResponse>, ValidationProblem, ProblemHttpResult>> Open(
        OpenSandboxDisputeRequest request, PaymentsDbContext db, SandboxBalance sandbox, SandboxProvider provider, DisputeDesk desk, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.PaymentId, cancellationToken);
        if (payment is null || payment.Provider != provider.Name)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Payment not found", detail: "No sandbox payment has this id.");
        }

        if (payment.Status != PaymentStatus.Captured || payment.CapturedAmount is not { } captured)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Nothing to dispute",
                detail: $"Only a captured payment's charge can be disputed; this payment is {payment.Status}.");
        }

        var refunded = await db.Refunds.AsNoTracking().Where(r => r.PaymentId == payment.Id && r.Status != Refunds.PaymentRefundStatus.Refused).SumAsync(r => r.AmountMinor, cancellationToken);
        var left = MinorUnits.Of(Money.Of(captured, payment.Currency)) - refunded;
        var amount = request.Amount is { } asked ? MinorUnits.Of(Money.Of(asked, payment.Currency)) : left;
        if (amount <= 0 || amount > left)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["amount"] = [$"At most what is left of the charge: {MinorUnits.ToAmount(left, payment.Currency)} {payment.Currency}."],
            });
        }

        var made = await sandbox.OpenDisputeAsync(payment.ProviderReference!, amount, payment.Currency, request.Reason ?? DefaultReason, cancellationToken);
        var dispute = await FollowAsync(made.Id, provider, desk, cancellationToken);
        return TypedResults.Created($"/api/v1/admin/disputes/{dispute.Id}", DisputeResponse.Of(dispute));
    }

    public static async Task<Results<Ok<DisputeResponse>, ProblemHttpResult>> Close(
        string disputeId, CloseSandboxDisputeRequest request, SandboxBalance sandbox, SandboxProvider provider, DisputeDesk desk, CancellationToken cancellationToken)
    {
        var won = request.Outcome == SandboxDisputeOutcome.Won;
        var closed = await sandbox.CloseDisputeAsync(disputeId, won, cancellationToken);
        if (closed is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dispute not found", detail: "The sandbox has no dispute with this id.");
        }

        if (closed.Status != (won ? SandboxBalance.DisputeWon : SandboxBalance.DisputeLost))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The dispute is decided",
                detail: $"The dispute was decided {closed.Status} already; a decision is final.");
        }

        return TypedResults.Ok(DisputeResponse.Of(await FollowAsync(closed.Id, provider, desk, cancellationToken)));
    }

    private static async Task<Dispute> FollowAsync(string disputeId, SandboxProvider provider, DisputeDesk desk, CancellationToken cancellationToken)
    {
        var now = await provider.ReadDisputeAsync(disputeId, cancellationToken)
            ?? throw new InvalidOperationException($"The sandbox lost dispute {disputeId} it has just written.");
        return await desk.FollowAsync(now, provider.Name, cancellationToken)
            ?? throw new InvalidOperationException($"Sandbox dispute {disputeId} is about a payment Payments does not know.");
    }
}
