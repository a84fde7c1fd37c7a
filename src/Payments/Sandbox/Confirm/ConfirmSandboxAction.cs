using FluentValidation;
using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers.Sandbox;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Sandbox.Confirm;

/// <summary>What the customer did on the sandbox's stand-in for the bank's 3-D Secure page.</summary>
public enum SandboxActionOutcome
{
    /// <summary>The customer authenticated: the card is then charged as its test id says.</summary>
    Complete,

    /// <summary>The customer failed or refused to authenticate: the payment is declined (<c>payment_intent_authentication_failure</c>).</summary>
    Fail,
}

/// <summary>The customer's answer to a payment's required action, on the sandbox provider.</summary>
/// <param name="ClientSecret">The payment's client secret, from the next action of its authorisation; it proves the caller is the payer.</param>
/// <param name="Outcome">Complete or fail the step.</param>
public sealed record ConfirmSandboxActionRequest(string? ClientSecret, SandboxActionOutcome? Outcome);

/// <summary>The payment after the customer's answer.</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="Status">Authorized or Declined (an answer that comes after the deadline finds it Canceled: 409).</param>
/// <param name="Decline">Why it was declined, when it was.</param>
public sealed record SandboxConfirmationResponse(Guid PaymentId, PaymentStatus Status, PaymentDecline? Decline);

internal sealed class ConfirmSandboxActionRequestValidator : AbstractValidator<ConfirmSandboxActionRequest>
{
    /// <summary>Far above the sandbox's secrets (about 120 characters), so only garbage is refused by length.</summary>
    public const int MaxSecretLength = 200;

    public ConfirmSandboxActionRequestValidator()
    {
        RuleFor(r => r.ClientSecret).NotEmpty().MaximumLength(MaxSecretLength);
        RuleFor(r => r.Outcome).NotNull().IsInEnum();
    }
}

/// <summary>
/// The sandbox's confirmation route: the client completes (or fails) the 3-D Secure step of a payment, as Stripe.js
/// would with Stripe. The outcome reaches Ordering as the event Stripe's webhook will produce later.
/// </summary>
internal static class ConfirmSandboxAction
{
    public static async Task<Results<Ok<SandboxConfirmationResponse>, ProblemHttpResult>> Handle(
        Guid paymentId, ConfirmSandboxActionRequest request, PaymentsDbContext db, Cashier cashier, SandboxProvider sandbox,
        CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken);

        // The same answer for a payment that does not exist and a wrong secret, so that ids cannot be probed.
        if (payment is null || !payment.OpensWith(request.ClientSecret!))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Payment not found",
                detail: "No payment waits for an action with this id and client secret.");
        }

        if (payment.Status == PaymentStatus.RequiresAction)
        {
            var choice = request.Outcome == SandboxActionOutcome.Fail ? ActionChoice.Fail : ActionChoice.Complete;
            var answer = await sandbox.ConfirmActionAsync(payment.ProviderReference!, payment.Method, choice, cancellationToken);
            (payment, _) = await cashier.TransitionAsync(paymentId, (p, now) => p.CompleteAction(answer, now), cancellationToken);
        }

        return payment.Status switch
        {
            // Decided, by this answer or an earlier one: a repeat reads the same outcome.
            PaymentStatus.Authorized or PaymentStatus.Declined => TypedResults.Ok(new SandboxConfirmationResponse(
                payment.Id, payment.Status, payment.Status == PaymentStatus.Declined ? new PaymentDecline(payment.DeclineCode!, payment.DeclineReason!) : null)),
            PaymentStatus.Canceled => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The payment was canceled",
                detail: payment.CancelReason == PaymentCancelReason.ActionAbandoned
                    ? "The authentication step was not completed in time, so the payment was canceled. Start the checkout again."
                    : "The payment was released before the authentication step was completed."),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The payment is not waiting for an action",
                detail: $"The payment is {payment.Status}."),
        };
    }
}
