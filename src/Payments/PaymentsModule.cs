using FluentValidation;
using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Expiry;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Providers.Sandbox;
using Marketplace.Payments.Sandbox.Confirm;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments;

/// <summary>
/// The Payments context: the provider port Ordering calls (<see cref="IPayments"/>), the sandbox provider with Stripe's
/// test-card semantics, and the payment events Ordering consumes. Stripe slots in behind the same port later.
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
            .Validate(o => o.UsesSandbox, $"{PaymentsOptions.Section}:Provider must name a payment provider this build has: {PaymentsOptions.Sandbox} (Stripe arrives with issue 10).")
            .Validate(o => o.ActionTimeout > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.ProviderTimeout > TimeSpan.Zero,
                $"{PaymentsOptions.Section}:ActionTimeout, SweepInterval and ProviderTimeout must be above zero.")
            .Validate(o => o.SweepBatchSize > 0 && o.MaxAmount > 0m, $"{PaymentsOptions.Section}:SweepBatchSize and MaxAmount must be above zero.")
            .ValidateOnStart();
        services.AddOptions<SandboxOptions>()
            .Bind(builder.Configuration.GetSection($"{PaymentsOptions.Section}:Sandbox"))
            .Validate(o => string.IsNullOrWhiteSpace(o.SecretKey) || IsKey(o.SecretKey), $"{PaymentsOptions.Section}:Sandbox:SecretKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();

        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssemblyContaining<Cashier>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddSingleton<IPaymentProvider, SandboxProvider>();
        services.AddSingleton(new ComponentAdapter("payments", "sandbox provider (Stripe test-card semantics)"));
        services.AddScoped<Cashier>();
        services.AddScoped<IPayments>(sp => sp.GetRequiredService<Cashier>());
        services.AddHostedService<ActionExpirySweeper>();
        services.AddRateLimitPolicy(builder.Configuration, SandboxPolicy, 60, RateLimits.ClientKey);
        return builder;
    }

    /// <summary>
    /// Maps the sandbox's confirmation route when the sandbox is the provider; with a real provider the customer's
    /// action happens at the provider, and Payments has no customer routes.
    /// </summary>
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<PaymentsOptions>>().Value.UsesSandbox)
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
        return app;
    }

    private static bool IsKey(string base64)
    {
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written >= 32;
    }
}
