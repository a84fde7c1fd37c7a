using FluentValidation;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Domain;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Refunds;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Authorizations;

/// <summary>
/// Takes payments for order groups (<see cref="IPayments"/>): records each one before the provider is asked, so that
/// the unique order-group reference, not a lookup, makes concurrent repeats one payment; then applies the provider's
/// answers as transitions of <see cref="Payment"/>, each saved with its event under the payment's version.
/// </summary>
internal sealed partial class Cashier(
    PaymentsDbContext db,
    IPaymentProvider provider,
    IValidator<AuthorizePayment> validator,
    RefundDesk refunds,
    IOptions<PaymentsOptions> options,
    PaymentsMetrics metrics,
    TimeProvider clock,
    ILogger<Cashier> logger) : IPayments
{
    /// <summary>How often a repeat looks again at a payment a concurrent call is still authorising.</summary>
    private static readonly TimeSpan RepeatPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>A transition that keeps losing races is a fault to report, not a loop to run for ever.</summary>
    private const int MaxTransitionAttempts = 10;

    public async Task<PaymentResult> AuthorizeAsync(AuthorizePayment request, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return new PaymentResult(PaymentResultKind.Invalid, null, validation.ToDictionary().AsReadOnly());
        }

        var payment = Payment.Start(request, provider.Name, clock.GetUtcNow());
        db.Payments.Add(payment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await RepeatAsync(request, cancellationToken);
        }

        return await SettleAsync(payment, cancellationToken);
    }

    public async Task<PaymentResult> VoidAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        var payment = await FindAsync(paymentId, cancellationToken);
        if (payment is null)
        {
            return new PaymentResult(PaymentResultKind.NotFound, null);
        }

        if (payment.Status == PaymentStatus.Authorizing)
        {
            return new PaymentResult(PaymentResultKind.InProgress, await StateOfAsync(payment, cancellationToken));
        }

        if (payment.Status is PaymentStatus.Authorized or PaymentStatus.RequiresAction)
        {
            // The provider first: a hold released there and not yet here is released again by a repeat, while the
            // other order would leave money held that our books call free.
            await provider.VoidAsync(payment.Id, payment.ProviderReference!, cancellationToken);
            (payment, _) = await TransitionAsync(paymentId, (p, now) => p.Void(now), cancellationToken);
            LogVoided(payment.Id, payment.Status);
        }

        return new PaymentResult(PaymentResultKind.Done, await StateOfAsync(payment, cancellationToken));
    }

    public Task<RefundResult> RefundAsync(RefundPayment request, CancellationToken cancellationToken) =>
        refunds.RefundAsync(request, forCancellation: false, cancellationToken);

    public async Task<PaymentState?> GetAsync(Guid paymentId, CancellationToken cancellationToken) =>
        await FindAsync(paymentId, cancellationToken) is { } payment ? await StateOfAsync(payment, cancellationToken) : null;

    public async Task<PaymentState?> FindForOrderGroupAsync(Guid orderGroupId, CancellationToken cancellationToken) =>
        await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Reference == orderGroupId, cancellationToken) is { } payment
            ? await StateOfAsync(payment, cancellationToken)
            : null;

    /// <summary>
    /// Asks the provider, keyed by the payment's id, and records its answer. Used for a new payment, and to resume one
    /// whose first attempt never heard back (a crash, a timeout): the provider answers a repeated key the same.
    /// </summary>
    internal async Task<PaymentResult> SettleAsync(Payment payment, CancellationToken cancellationToken)
    {
        var answer = await provider.AuthorizeAsync(
            new ProviderAuthorization(payment.Id, payment.Reference, payment.Total, payment.Method, payment.CustomerEmail), cancellationToken);
        var actionTimeout = options.Value.ActionTimeout;
        var (settled, _) = await TransitionAsync(payment.Id, (p, now) => AnsweredInline(p.Settle(answer, now, actionTimeout)), cancellationToken);
        LogSettled(settled.Id, settled.Reference, settled.Status, settled.DeclineCode);
        return new PaymentResult(PaymentResultKind.Done, await StateOfAsync(settled, cancellationToken));
    }

    /// <summary>The outcome this call answers to its caller says so (the event's consumers may leave it to the caller).</summary>
    private static object? AnsweredInline(object? paymentEvent) => paymentEvent switch
    {
        PaymentAuthorized authorized => authorized with { AnsweredInline = true },
        PaymentFailed failed => failed with { AnsweredInline = true },
        _ => paymentEvent,
    };

    /// <summary>
    /// Applies one transition to the payment as it is in the database now, and saves it with its event only if nobody
    /// changed the payment meanwhile (its version); on a lost race, reads again and decides again, so the loser sees
    /// the winner's outcome instead of overwriting it.
    /// </summary>
    /// <returns>The payment as it now is, and whether this call changed it.</returns>
    internal async Task<(Payment Payment, bool Changed)> TransitionAsync(Guid paymentId, Func<Payment, DateTimeOffset, object?> transition, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var payment = await db.Payments.SingleAsync(p => p.Id == paymentId, cancellationToken);
            if (transition(payment, clock.GetUtcNow()) is not { } paymentEvent)
            {
                return (payment, false);
            }

            db.PublishPaymentEvent(paymentEvent, clock);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                metrics.Saved(paymentEvent);
                return (payment, true);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxTransitionAttempts)
            {
                // Another transition won; the next round reads what it wrote.
            }
        }
    }

    internal async Task<PaymentState> StateOfAsync(Payment payment, CancellationToken cancellationToken)
    {
        PaymentNextAction? action = null;
        if (payment.Status == PaymentStatus.RequiresAction)
        {
            var pending = await provider.PendingActionAsync(payment.Id, payment.ProviderReference!, cancellationToken);
            action = new PaymentNextAction(pending.Type, pending.ClientSecret, pending.ConfirmationPath, payment.ActionExpiresAt!.Value);
        }

        return new PaymentState(
            payment.Id,
            payment.Reference,
            payment.Total,
            payment.Status,
            payment.Status == PaymentStatus.Declined ? new PaymentDecline(payment.DeclineCode!, payment.DeclineReason!) : null,
            action,
            payment.CancelReason,
            payment.CreatedAt,
            payment.UpdatedAt,
            payment.Captured,
            payment.CaptureBefore);
    }

    /// <summary>
    /// A second request for an order group that has a payment: the same request answers that payment (once the
    /// provider has answered it); another amount, currency or method is a conflict.
    /// </summary>
    private async Task<PaymentResult> RepeatAsync(AuthorizePayment request, CancellationToken cancellationToken)
    {
        var timeout = options.Value.ProviderTimeout;
        var waitUntil = clock.GetUtcNow() + timeout;
        while (true)
        {
            var existing = await db.Payments.AsNoTracking().SingleAsync(p => p.Reference == request.OrderGroupId, cancellationToken);
            if (!existing.IsSameRequest(request))
            {
                return new PaymentResult(PaymentResultKind.Conflict, await StateOfAsync(existing, cancellationToken));
            }

            if (existing.Status != PaymentStatus.Authorizing)
            {
                return new PaymentResult(PaymentResultKind.Done, await StateOfAsync(existing, cancellationToken));
            }

            var now = clock.GetUtcNow();
            if (existing.IsStalled(now, timeout))
            {
                return await SettleAsync(existing, cancellationToken);
            }

            if (now >= waitUntil)
            {
                return new PaymentResult(PaymentResultKind.InProgress, await StateOfAsync(existing, cancellationToken));
            }

            await Task.Delay(RepeatPoll, clock, cancellationToken);
        }
    }

    private Task<Payment?> FindAsync(Guid paymentId, CancellationToken cancellationToken) =>
        db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} for order group {OrderGroupId}: {Status} {DeclineCode}")]
    private partial void LogSettled(Guid paymentId, Guid orderGroupId, PaymentStatus status, string? declineCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} voided: now {Status}")]
    private partial void LogVoided(Guid paymentId, PaymentStatus status);
}
