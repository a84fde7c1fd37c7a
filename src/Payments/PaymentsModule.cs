using FluentValidation;
using Marketplace.Config;
using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Disputes;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Expiry;
using Marketplace.Payments.Invoices.Issue;
using Marketplace.Payments.Invoices.Read;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Payouts;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Providers.Sandbox;
using Marketplace.Payments.Providers.Stripe;
using Marketplace.Payments.Reconciliation;
using Marketplace.Payments.Refunds;
using Marketplace.Payments.Sandbox.Confirm;
using Marketplace.Payments.Sandbox.Disputes;
using Marketplace.Payments.Webhooks.Stripe;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace Marketplace.Payments;

/// <summary>
/// The Payments context: the provider port Ordering calls (<see cref="IPayments"/>), the provider behind it (the
/// sandbox with Stripe's test-card semantics, or Stripe), Stripe's webhook, and the payment events Ordering consumes.
/// </summary>
public static class PaymentsModule
{
    public const string Name = "Payments";

    /// <summary>
    /// Rate-limit policy of the sandbox confirmation route (<c>RateLimits:payments-sandbox</c>), per client network:
    /// a client secret is the route's only credential, and guessing one must be slow.
    /// </summary>
    private const string SandboxPolicy = "payments-sandbox";

    /// <summary>Registers the Payments database, the configured provider, the port and the sweeper of abandoned actions.</summary>
    public static WebApplicationBuilder AddPaymentsModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddModuleDatabase<PaymentsDbContext>(builder.Configuration, Name);
        services.AddOptions<PaymentsOptions>()
            .Bind(builder.Configuration.GetSection(PaymentsOptions.Section))
            .Validate(o => o.UsesSandbox || o.UsesStripe,
                $"{PaymentsOptions.Section}:Provider must name a payment provider this build has: {PaymentsOptions.Sandbox} or {PaymentsOptions.Stripe}.")
            .Validate(o => o.ActionTimeout > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.ProviderTimeout > TimeSpan.Zero,
                $"{PaymentsOptions.Section}:ActionTimeout, SweepInterval and ProviderTimeout must be above zero.")
            .Validate(o => o.SweepBatchSize > 0 && o.MaxAmount > 0m, $"{PaymentsOptions.Section}:SweepBatchSize and MaxAmount must be above zero.")
            .Validate(o => o.CaptureSafetyMargin > TimeSpan.Zero && o.GroupQuietPeriod > TimeSpan.Zero && o.CaptureClaimLease > TimeSpan.Zero && o.PayoutClaimLease > TimeSpan.Zero,
                $"{PaymentsOptions.Section}:CaptureSafetyMargin, GroupQuietPeriod, CaptureClaimLease and PayoutClaimLease must be above zero.")
            .Validate(o => o.RefundRetryInterval > TimeSpan.Zero && o.RefundRetryGrace > TimeSpan.Zero && o.RefundClaimLease > TimeSpan.Zero,
                $"{PaymentsOptions.Section}:RefundRetryInterval, RefundRetryGrace and RefundClaimLease must be above zero.")
            .Validate(o => o.StatementPageSize > 0 && o.MaxStatementPageSize >= o.StatementPageSize && o.StatementCsvBatchSize > 0,
                $"{PaymentsOptions.Section}:StatementPageSize and StatementCsvBatchSize must be above zero, MaxStatementPageSize at least StatementPageSize.")
            .Validate(o => o.DisputeListSize > 0, $"{PaymentsOptions.Section}:DisputeListSize must be above zero.")
            .Validate(o => o.InvoicePageSize > 0 && o.MaxInvoicePageSize >= o.InvoicePageSize,
                $"{PaymentsOptions.Section}:InvoicePageSize must be above zero, MaxInvoicePageSize at least InvoicePageSize.")
            .Validate(o => o.ReconciliationInterval > TimeSpan.Zero && o.ReconciliationLookback > TimeSpan.Zero && o.MaxReportedDifferences > 0,
                $"{PaymentsOptions.Section}:ReconciliationInterval, ReconciliationLookback and MaxReportedDifferences must be above zero.")
            .Validate(o => o.ReconciliationSettleDelay >= TimeSpan.Zero && o.ReconciliationSlack >= TimeSpan.Zero,
                $"{PaymentsOptions.Section}:ReconciliationSettleDelay and ReconciliationSlack must not be negative.")
            .ValidateOnStart();
        services.AddOptions<SandboxOptions>()
            .Bind(builder.Configuration.GetSection($"{PaymentsOptions.Section}:Sandbox"))
            .Validate(o => string.IsNullOrWhiteSpace(o.SecretKey) || IsKey(o.SecretKey), $"{PaymentsOptions.Section}:Sandbox:SecretKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();

        builder.AddRuntimeRules(PayoutRules.Section, new PayoutRulesValidator());

        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssemblyContaining<Cashier>(ServiceLifetime.Singleton, includeInternalTypes: true);
        if (IsStripe(builder.Configuration))
        {
            AddStripe(services, builder.Configuration);
        }
        else
        {
            services.AddSingleton<SandboxBalance>();
            services.AddSingleton<SandboxProvider>();
            services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SandboxProvider>());
            services.AddSingleton(new ComponentAdapter("payments", "sandbox provider (Stripe test-card semantics)"));
        }

        services.AddScoped<RefundDesk>();
        services.AddScoped<DisputeDesk>();
        services.AddSharedWork<PendingRefundSweeper>();
        services.AddScoped<Cashier>();
        services.AddScoped<IPayments>(sp => sp.GetRequiredService<Cashier>());
        services.AddSharedWork<ActionExpirySweeper>();
        services.AddScoped<EscrowCapture>();
        services.AddSharedWork<CaptureScheduler>();
        services.AddSingleton<PayoutRun>();
        services.AddScoped<PayoutReversals>();
        services.AddScoped<Identity.Contracts.ISellerPayoutReadiness, Payouts.Accounts.PayoutReadiness>();
        services.AddSharedWork<PayoutScheduler>();
        services.AddScoped<InvoiceIssuing>();
        services.AddScoped<IInvoices, InvoicesForBuyers>();
        services.AddSingleton<PaymentsMetrics>();
        services.AddScoped<LedgerReconciliation>();
        services.AddSharedWork<ReconciliationJob>();
        services.Messaging().AddConsumers(bus =>
        {
            bus.AddConsumer<OrderEventsConsumer>(typeof(BatchedConsumerDefinition<OrderEventsConsumer>));
            bus.AddConsumer<InvoiceIssuingConsumer>();
            bus.AddConsumer<SellerNamesConsumer>();
        });
        services.AddRateLimitPolicy(builder.Configuration, SandboxPolicy, 60, RateLimits.ClientKey);
        return builder;
    }

    /// <summary>
    /// Maps the sandbox's confirmation route when the sandbox is the provider, or Stripe's webhook when Stripe is: with
    /// Stripe the customer's action happens in Stripe.js, and its outcome arrives by webhook.
    /// </summary>
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        app.MapSellerApi();
        app.MapAdminApi();
        var settings = app.ServiceProvider.GetRequiredService<IOptions<PaymentsOptions>>().Value;
        if (settings.UsesStripe)
        {
            app.MapPost("/api/v1/payments/webhooks/stripe", ReceiveStripeEvent.Handle)
                .WithName("ReceiveStripeEvent")
                .WithTags("Payments webhooks")
                .WithSummary("Stripe only: Stripe's events about PaymentIntents, disputes and connected accounts, signed with the endpoint's secret")
                .WithDescription(
                    "The raw body is verified against the Stripe-Signature header (HMAC-SHA256 with Payments:Stripe:WebhookSecret, at most "
                    + "Payments:Stripe:WebhookTolerance old); a missing, wrong or stale signature is 400 and changes nothing. Each event is recorded by its id, so "
                    + "a repeat changes nothing. The PaymentIntent is then read again from Stripe, and the payment follows what Stripe says now, "
                    + "whatever order events arrive in; an intent no payment of ours made is acknowledged and nothing is created. Disputes and connected "
                    + "accounts are read again the same way. Two events about one object applied at the same instant: one is 409 with nothing kept, and "
                    + "Stripe's retry applies it.")
                .AllowAnonymous()
                .NeverStored()
                .ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
            return app;
        }

        if (!settings.UsesSandbox)
        {
            return app;
        }

        var sandbox = app.MapGroup("/api/v1/payments/sandbox")
            .WithTags("Payments sandbox")
            .RequireRateLimiting(SandboxPolicy)
            .NeverStored()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        sandbox.MapPost("/{paymentId:guid}/confirm", ConfirmSandboxAction.Handle)
            .WithName("ConfirmSandboxPaymentAction")
            .WithSummary("Sandbox only: complete or fail a payment's 3-D Secure step, as the bank's page would, with the payment's client secret")
            .WithDescription(
                "The payment's next action (type use_sandbox_confirmation) names this route and the client secret. Complete authorises the payment "
                + "(or declines it, for pm_card_authenticationRequiredChargeDeclinedInsufficientFunds); Fail declines it with payment_intent_authentication_failure. "
                + "A wrong secret or an unknown payment is 404; an answer after Payments:ActionTimeout finds the payment canceled (409). Repeating an answer reads the same outcome.")
            .AllowAnonymous()
            .Validate<ConfirmSandboxActionRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var disputes = sandbox.MapGroup("/disputes")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        disputes.MapPost("/", SandboxDisputes.Open)
            .WithName("OpenSandboxDispute")
            .WithSummary("Sandbox only, admins: a customer's bank disputes a captured payment's charge, as a card network would")
            .WithDescription(
                "The disputed amount is withdrawn from the sandbox's balance, and Payments follows the dispute as it follows Stripe's: while it is open, "
                + "no seller order of the payment's checkout that is not paid out yet is paid out. 404 for an unknown payment, 409 for one not captured.")
            .Validate<OpenSandboxDisputeRequest>();
        disputes.MapPost("/{disputeId}/close", SandboxDisputes.Close)
            .WithName("CloseSandboxDispute")
            .WithSummary("Sandbox only, admins: the card network decides a dispute, won or lost")
            .WithDescription(
                "Won reinstates the amount and releases the payouts. Lost books the amount in the ledger, charged to the checkout's seller orders in proportion "
                + "to what is left of each (commission given back in proportion); a seller already paid out carries it on its balance, and its next payouts "
                + "are reduced by it. Repeating the same decision answers the same; the other decision is 409.")
            .Validate<CloseSandboxDisputeRequest>();
        return app;
    }

    /// <summary>Decided at registration, so that a host on the sandbox needs no Stripe settings and makes no Stripe client.</summary>
    private static bool IsStripe(ConfigurationManager configuration) =>
        new PaymentsOptions { Provider = configuration[$"{PaymentsOptions.Section}:Provider"] ?? PaymentsOptions.Sandbox }.UsesStripe;

    private static void AddStripe(IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddOptions<StripeOptions>()
            .Bind(configuration.GetSection(StripeOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.SecretKey), $"{StripeOptions.Section}:SecretKey must be set to the account's secret API key when {PaymentsOptions.Section}:Provider is stripe.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WebhookSecret), $"{StripeOptions.Section}:WebhookSecret must be set to the webhook endpoint's signing secret when {PaymentsOptions.Section}:Provider is stripe.")
            .Validate(o => o.ApiBase is null || Uri.TryCreate(o.ApiBase, UriKind.Absolute, out _), $"{StripeOptions.Section}:ApiBase must be an absolute URL when set.")
            .Validate(o => o.WebhookTolerance > TimeSpan.Zero && o.MaxWebhookBytes > 0 && o.MaxNetworkRetries >= 0,
                $"{StripeOptions.Section}:WebhookTolerance and MaxWebhookBytes must be above zero, MaxNetworkRetries not below.")
            .Validate(o => o.BalancePageSize is >= 1 and <= 100, $"{StripeOptions.Section}:BalancePageSize must be from 1 to 100, as Stripe's lists allow.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var stripe = sp.GetRequiredService<IOptions<StripeOptions>>().Value;

            // As long as an authorisation may take (Payments:ProviderTimeout): past it, the sweeper resumes with the same key.
            var http = new HttpClient { Timeout = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.ProviderTimeout };
            return new StripeClient(stripe.SecretKey!, httpClient: new SystemNetHttpClient(http, stripe.MaxNetworkRetries), apiBase: stripe.ApiBase);
        });
        services.AddSingleton(sp => new StripeProvider(
            sp.GetRequiredService<StripeClient>(), sp.GetRequiredService<ILogger<StripeProvider>>(), sp.GetRequiredService<IOptions<StripeOptions>>().Value.BalancePageSize));
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<StripeProvider>());
        services.AddScoped<ReceiveStripeEvent>();
        services.AddSingleton(new ComponentAdapter("payments", "Stripe (PaymentIntents, manual capture)"));
    }

    private static bool IsKey(string base64)
    {
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written >= 32;
    }
}
