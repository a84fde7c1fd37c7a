using Marketplace.Payments.Providers;
using Marketplace.Payments.Providers.Stripe;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Stripe;

namespace Marketplace.Payments.Tests.Providers.Stripe;

/// <summary>The adapter against Stripe's real test mode, when a test-mode secret key is in <c>STRIPE_API_KEY</c>; skipped, with that reason, otherwise.</summary>
public sealed class RealStripeTests
{
    [RequiresServerFact("STRIPE_API_KEY")]
    public async Task Stripe_test_mode_authorises_a_visa_with_manual_capture_declines_a_declined_card_and_voids()
    {
        var provider = new StripeProvider(new StripeClient(Environment.GetEnvironmentVariable("STRIPE_API_KEY")!), NullLogger<StripeProvider>.Instance);
        var visa = new ProviderAuthorization(Guid.NewGuid(), Guid.NewGuid(), Money.Of(10m, "EUR"), "pm_card_visa", "buyer@tests.local");

        var authorised = await provider.AuthorizeAsync(visa, CancellationToken.None);
        var again = await provider.AuthorizeAsync(visa, CancellationToken.None);
        var declined = await provider.AuthorizeAsync(visa with { PaymentId = Guid.NewGuid(), PaymentMethodId = "pm_card_chargeDeclined" }, CancellationToken.None);
        await provider.VoidAsync(visa.PaymentId, authorised.ProviderReference!, CancellationToken.None);
        await provider.VoidAsync(visa.PaymentId, authorised.ProviderReference!, CancellationToken.None);

        Assert.Equal(ProviderStatus.Authorized, authorised.Status);
        Assert.NotNull(authorised.CaptureBefore);
        Assert.Equal(authorised.ProviderReference, again.ProviderReference);
        Assert.Equal(ProviderStatus.Declined, declined.Status);
        Assert.Equal("generic_decline", declined.DeclineCode);
        Assert.Equal("canceled", (await provider.ReadAsync(authorised.ProviderReference!, CancellationToken.None)).Status);
    }
}
