using Marketplace.Payments.Contracts;
using Marketplace.Platform;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Marketplace.Payments.Providers.Stripe;

/// <summary>
/// Stripe's PaymentIntents with manual capture, for cards. Every call that changes something carries an idempotency
/// key made of our own ids (<c>pi:{paymentId}</c>, <c>void:{paymentId}</c>, and the caller's keys for captures and
/// refunds), so a retry after a lost answer, by Stripe.net or by the sweeper, gets Stripe's stored answer and never
/// charges twice. The customer's 3-D Secure step happens in Stripe.js with the client secret; its outcome arrives by
/// webhook (<see cref="Webhooks.Stripe.ReceiveStripeEvent"/>), which reads the PaymentIntent here again.
/// </summary>
internal sealed partial class StripeProvider(StripeClient client, ILogger<StripeProvider> logger, int balancePageSize = 100) : IPaymentProvider
{
    /// <summary>Metadata key of our payment id on the PaymentIntent: how a webhook finds the payment, even before the authorisation call has recorded the intent's id.</summary>
    public const string PaymentIdKey = "payment_id";

    /// <summary>Metadata key of the order group, for people reading Stripe's dashboard.</summary>
    public const string OrderGroupKey = "order_group_id";

    /// <summary>What Stripe.js is asked to do when the intent's next action names no type.</summary>
    public const string StripeSdkAction = "use_stripe_sdk";

    /// <summary>The <c>cancellation_reason</c> of an intent Stripe canceled itself, as when its authorisation expired.</summary>
    public const string AuthorizationExpired = "automatic";

    private static readonly List<string> WithCharge = ["latest_charge"];

    private readonly PaymentIntentService _intents = new(client);
    private readonly RefundService _refunds = new(client);
    private readonly BalanceTransactionService _balance = new(client);

    /// <summary>Each transaction's source comes expanded, so that a charge or a refund names its PaymentIntent without another call.</summary>
    private static readonly List<string> WithSource = ["data.source"];

    private readonly AccountService _accounts = new(client);
    private readonly AccountLinkService _accountLinks = new(client);
    private readonly TransferService _transfers = new(client);
    private readonly DisputeService _disputes = new(client);
    private readonly TransferReversalService _reversals = new(client);

    /// <summary>Metadata key of our seller id on a connected account and of the seller order on a transfer.</summary>
    public const string SellerIdKey = "seller_id";

    /// <summary>Metadata key of the seller order a transfer pays.</summary>
    public const string SellerOrderKey = "seller_order_id";

    public string Name => PaymentsOptions.Stripe;

    public async Task<ProviderAnswer> AuthorizeAsync(ProviderAuthorization request, CancellationToken cancellationToken)
    {
        var create = new PaymentIntentCreateOptions
        {
            Amount = StripeAmounts.ToMinor(request.Amount),
            Currency = StripeAmounts.CurrencyOf(request.Amount),
            CaptureMethod = "manual",
            Confirm = true,
            PaymentMethod = request.PaymentMethodId,

            // Confirmed on the server with no return URL, so no payment method that redirects the customer; a card's
            // 3-D Secure step happens in Stripe.js instead (next action use_stripe_sdk).
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
            Metadata = new Dictionary<string, string>
            {
                [PaymentIdKey] = request.PaymentId.ToString(),
                [OrderGroupKey] = request.Reference.ToString(),
            },
            Expand = WithCharge,
        };
        try
        {
            var intent = await _intents.CreateAsync(create, Keyed($"pi:{request.PaymentId}"), cancellationToken);
            return AnswerOf(intent)
                ?? throw new InvalidOperationException($"Stripe answered the authorisation of payment {request.PaymentId} with PaymentIntent {intent.Id} in status {intent.Status}.");
        }
        catch (StripeException e) when (e.StripeError is { Type: "card_error" } error)
        {
            // The PaymentIntent exists and waits for another payment method; the decline is the payment's outcome.
            return new ProviderAnswer(ProviderStatus.Declined, error.PaymentIntent?.Id, error.DeclineCode ?? error.Code, error.Message);
        }
        catch (StripeException e) when (e.StripeError is { Type: "invalid_request_error", Code: "resource_missing", Param: "payment_method" } error)
        {
            // Stripe made no PaymentIntent: the id names no payment method. Declined as the sandbox declines it.
            return new ProviderAnswer(ProviderStatus.Declined, null, error.Code, error.Message);
        }
    }

    public async Task<ProviderAction> PendingActionAsync(Guid paymentId, string providerReference, CancellationToken cancellationToken)
    {
        var intent = await _intents.GetAsync(providerReference, cancellationToken: cancellationToken);
        return new ProviderAction(intent.NextAction?.Type ?? StripeSdkAction, intent.ClientSecret, null);
    }

    public async Task VoidAsync(Guid paymentId, string providerReference, CancellationToken cancellationToken)
    {
        try
        {
            await _intents.CancelAsync(providerReference, new PaymentIntentCancelOptions(), Keyed($"void:{paymentId}"), cancellationToken);
        }
        catch (StripeException e) when (e.StripeError?.Code == "payment_intent_unexpected_state")
        {
            // Canceled already (by another replica, the dashboard, or Stripe itself): the hold is released, as asked.
            var intent = await _intents.GetAsync(providerReference, cancellationToken: cancellationToken);
            if (intent.Status != "canceled")
            {
                throw;
            }

            LogAlreadyCanceled(paymentId, providerReference);
        }
    }

    public async Task<ProviderCapture> CaptureAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var intent = await _intents.CaptureAsync(
                providerReference, new PaymentIntentCaptureOptions { AmountToCapture = StripeAmounts.ToMinor(amount) }, Keyed(idempotencyKey), cancellationToken);
            return new ProviderCapture(intent.Id, StripeAmounts.FromMinor(intent.AmountReceived, intent.Currency), intent.LatestChargeId);
        }
        catch (StripeException e) when (e.StripeError is { Type: "invalid_request_error" } error)
        {
            throw new ProviderRefusedException(error.Code ?? "invalid_request_error", error.Message);
        }
    }

    public async Task<ProviderRefund> RefundAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var refund = await _refunds.CreateAsync(
                new RefundCreateOptions { PaymentIntent = providerReference, Amount = StripeAmounts.ToMinor(amount) }, Keyed(idempotencyKey), cancellationToken);
            return new ProviderRefund(refund.Id, StripeAmounts.FromMinor(refund.Amount, refund.Currency));
        }
        catch (StripeException e) when (e.StripeError is { Type: "invalid_request_error" } error)
        {
            throw new ProviderRefusedException(error.Code ?? "invalid_request_error", error.Message);
        }
    }

    /// <summary>
    /// Every balance transaction created since <paramref name="since"/>, all pages (Stripe.net follows
    /// <c>starting_after</c> while <c>has_more</c>).
    /// </summary>
    public async Task<IReadOnlyList<ProviderBalanceTransaction>> BalanceTransactionsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var options = new BalanceTransactionListOptions
        {
            Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime },
            Limit = balancePageSize,
            Expand = WithSource,
        };
        var transactions = new List<ProviderBalanceTransaction>();
        await foreach (var transaction in _balance.ListAutoPagingAsync(options, cancellationToken: cancellationToken))
        {
            var paymentReference = transaction.Source switch
            {
                Charge charge => charge.PaymentIntentId,
                Refund refund => refund.PaymentIntentId,
                _ => null,
            };
            transactions.Add(new ProviderBalanceTransaction(
                transaction.Id,
                transaction.Type,
                transaction.Amount,
                transaction.Fee,
                transaction.Currency.ToUpperInvariant(),
                paymentReference,
                transaction.SourceId,
                new DateTimeOffset(DateTime.SpecifyKind(transaction.Created, DateTimeKind.Utc))));
        }

        return transactions;
    }

    public async Task<ProviderSellerAccount> CreateSellerAccountAsync(Guid sellerId, string? country, string? email, CancellationToken cancellationToken)
    {
        var create = new AccountCreateOptions
        {
            Type = "express",
            Country = country,
            Email = email,
            Capabilities = new AccountCapabilitiesOptions { Transfers = new AccountCapabilitiesTransfersOptions { Requested = true } },
            Metadata = new Dictionary<string, string> { [SellerIdKey] = sellerId.ToString() },
        };
        try
        {
            return AccountOf(await _accounts.CreateAsync(create, Keyed($"account:{sellerId}"), cancellationToken));
        }
        catch (StripeException e) when (e.StripeError is { Type: "invalid_request_error" } error)
        {
            throw new ProviderRefusedException(error.Code ?? "invalid_request_error", error.Message);
        }
    }

    public async Task<string> OnboardingLinkAsync(string accountId, string refreshUrl, string returnUrl, CancellationToken cancellationToken)
    {
        // A link is single-use and expires within minutes, so each ask makes a new one: no idempotency key.
        var link = await _accountLinks.CreateAsync(
            new AccountLinkCreateOptions { Account = accountId, RefreshUrl = refreshUrl, ReturnUrl = returnUrl, Type = "account_onboarding" },
            cancellationToken: cancellationToken);
        return link.Url;
    }

    public async Task<ProviderSellerAccount> ReadSellerAccountAsync(string accountId, CancellationToken cancellationToken) =>
        AccountOf(await _accounts.GetAsync(accountId, cancellationToken: cancellationToken));

    public async Task<ProviderTransfer> TransferAsync(ProviderTransferInstruction request, CancellationToken cancellationToken)
    {
        var create = new TransferCreateOptions
        {
            Amount = StripeAmounts.ToMinor(request.Amount),
            Currency = StripeAmounts.CurrencyOf(request.Amount),
            Destination = request.Destination,
            TransferGroup = request.TransferGroup.ToString(),
            SourceTransaction = request.SourceTransaction,
            Metadata = new Dictionary<string, string> { [SellerOrderKey] = request.SellerOrderId.ToString() },
        };
        try
        {
            var transfer = await _transfers.CreateAsync(create, Keyed(request.IdempotencyKey), cancellationToken);
            return new ProviderTransfer(transfer.Id, StripeAmounts.FromMinor(transfer.Amount, transfer.Currency));
        }
        catch (StripeException e) when (e.StripeError is { Type: "invalid_request_error" } error)
        {
            throw new ProviderRefusedException(error.Code ?? "invalid_request_error", error.Message);
        }
    }

    /// <summary>The dispute as Stripe has it now, with its balance transactions (a withdrawal, and a reinstatement when won).</summary>
    public async Task<ProviderDispute?> ReadDisputeAsync(string disputeId, CancellationToken cancellationToken)
    {
        Dispute dispute;
        try
        {
            dispute = await _disputes.GetAsync(disputeId, cancellationToken: cancellationToken);
        }
        catch (StripeException e) when (e.StripeError?.Code == "resource_missing")
        {
            return null;
        }

        return new ProviderDispute(
            dispute.Id,
            dispute.PaymentIntentId,
            dispute.Amount,
            dispute.Currency.ToUpperInvariant(),
            dispute.Status,
            dispute.Reason ?? "",
            (dispute.BalanceTransactions ?? [])
                .Select(t => new ProviderDisputeMovement(t.Id, t.Amount, t.Fee, new DateTimeOffset(DateTime.SpecifyKind(t.Created, DateTimeKind.Utc))))
                .ToList());
    }

    public async Task<ProviderReversal> ReverseTransferAsync(string transferReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var reversal = await _reversals.CreateAsync(
                transferReference, new TransferReversalCreateOptions { Amount = StripeAmounts.ToMinor(amount) }, Keyed(idempotencyKey), cancellationToken);
            return new ProviderReversal(reversal.Id, StripeAmounts.FromMinor(reversal.Amount, reversal.Currency));
        }
        catch (StripeException e) when (e.StripeError is { Type: "invalid_request_error" } error)
        {
            throw new ProviderRefusedException(error.Code ?? "invalid_request_error", error.Message);
        }
    }

    private static ProviderSellerAccount AccountOf(Account account) => new(
        account.Id,
        account.ChargesEnabled,
        account.PayoutsEnabled,
        account.Capabilities?.Transfers == "active",
        account.Requirements?.CurrentlyDue?.ToList() ?? []);

    /// <summary>The PaymentIntent as Stripe has it now, with its latest charge (for <c>capture_before</c>).</summary>
    public Task<PaymentIntent> ReadAsync(string intentId, CancellationToken cancellationToken) =>
        _intents.GetAsync(intentId, new PaymentIntentGetOptions { Expand = WithCharge }, cancellationToken: cancellationToken);

    /// <summary>
    /// What a PaymentIntent's state means for our payment, or null when it means nothing to follow yet (no payment
    /// method tried, processing, or captured, which later slices follow).
    /// </summary>
    public static ProviderAnswer? AnswerOf(PaymentIntent intent) => intent.Status switch
    {
        "requires_capture" => new ProviderAnswer(ProviderStatus.Authorized, intent.Id, CaptureBefore: CaptureBeforeOf(intent)),
        "requires_action" => new ProviderAnswer(
            ProviderStatus.RequiresAction, intent.Id, Action: new ProviderAction(intent.NextAction?.Type ?? StripeSdkAction, intent.ClientSecret, null)),
        "requires_payment_method" when intent.LastPaymentError is { } error =>
            new ProviderAnswer(ProviderStatus.Declined, intent.Id, error.DeclineCode ?? error.Code, error.Message),
        // Stripe cancels an intent whose authorisation expired uncaptured, with reason automatic.
        "canceled" when intent.CancellationReason == AuthorizationExpired => new ProviderAnswer(ProviderStatus.Lapsed, intent.Id),
        "canceled" => new ProviderAnswer(
            ProviderStatus.Canceled,
            intent.Id,
            CancelReason: intent.CancellationReason == "abandoned" ? PaymentCancelReason.ActionAbandoned : PaymentCancelReason.Voided),
        _ => null,
    };

    /// <summary>Whether the intent still holds money, or can still come to: a payment we decided against must release it.</summary>
    public static bool MayHold(PaymentIntent intent) => intent.Status is "requires_capture" or "requires_action" or "requires_confirmation" or "processing";

    private static DateTimeOffset? CaptureBeforeOf(PaymentIntent intent) =>
        intent.LatestCharge?.PaymentMethodDetails?.Card?.CaptureBefore is { } before
            ? new DateTimeOffset(DateTime.SpecifyKind(before, DateTimeKind.Utc))
            : null;

    private static RequestOptions Keyed(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId}: PaymentIntent {IntentId} was canceled already")]
    private partial void LogAlreadyCanceled(Guid paymentId, string intentId);
}
