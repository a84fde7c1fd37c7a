using System.Net.Http.Headers;
using System.Text;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Providers.Stripe;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Providers.Stripe;

/// <summary>The host on PostgreSQL with <c>Payments:Provider = stripe</c>, its client pointed at a <see cref="StripeDouble"/> that shares the host's clock.</summary>
public class StripeHost : PaymentsHost
{
    public const string WebhookPath = "/api/v1/payments/webhooks/stripe";

    public StripeHost()
    {
    }

    /// <summary>A Stripe host with its own "payouts" rules.</summary>
    protected StripeHost(string payoutRules)
        : base(TestProfile.Production, payoutRules)
    {
    }

    public StripeDouble Stripe { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Stripe = await StripeDouble.StartAsync();
        Stripe.Clock = Clock;
        Settings["Payments:Provider"] = "stripe";
        Settings["Payments:Stripe:SecretKey"] = StripeDouble.SecretKey;
        Settings["Payments:Stripe:WebhookSecret"] = StripeDouble.WebhookSecret;
        Settings["Payments:Stripe:ApiBase"] = Stripe.Address;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Stripe is not null)
        {
            await Stripe.DisposeAsync();
        }
    }

    /// <summary>The one PaymentIntent made for a payment (found by the metadata the adapter writes).</summary>
    public string IntentOf(Guid paymentId) => Assert.Single(Stripe.IntentsWithMetadata(StripeProvider.PaymentIdKey, paymentId.ToString()));

    /// <summary>Posts a body to the webhook, signed as Stripe would (or with the header given).</summary>
    public async Task<HttpResponseMessage> PostEventAsync(string payload, string? signature)
    {
        using var client = CreateClient();
        using var content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath) { Content = content };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostSignedAsync(string payload) => PostEventAsync(payload, Stripe.Sign(payload));

    internal IPaymentProvider Provider => Services.GetRequiredService<IPaymentProvider>();
}
