using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Providers.Sandbox;
using Marketplace.Platform;
using Marketplace.Platform.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Tests.Providers;

/// <summary>The sandbox answers each of Stripe's test payment method ids as Stripe's test mode does.</summary>
public sealed class SandboxProviderTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"sandbox-balance-{Guid.NewGuid():N}");
    private ServiceProvider _services = null!;
    private SandboxBalance _balance = null!;
    private SandboxProvider _sandbox = null!;

    /// <summary>The sandbox keeps its balance in the Payments database: here a SQLite file of the test's own.</summary>
    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:DataDirectory"] = _directory }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddModuleDatabase<PaymentsDbContext>(configuration, PaymentsModule.Name);
        _services = services.BuildServiceProvider();
        await _services.GetServices<IModuleDatabase>().Single().PrepareAsync(CancellationToken.None);
        _balance = new SandboxBalance(_services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
        _sandbox = new SandboxProvider(Options.Create(new SandboxOptions()), TimeProvider.System, _balance);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    public static TheoryData<string, string, string?> Table() => new()
    {
        { "pm_card_visa", "Authorized", null },
        { "pm_card_visa_debit", "Authorized", null },
        { "pm_card_mastercard", "Authorized", null },
        { "pm_card_amex", "Authorized", null },
        { "pm_card_jcb", "Authorized", null },
        { "pm_card_chargeDeclined", "Declined", "generic_decline" },
        { "pm_card_chargeDeclinedInsufficientFunds", "Declined", "insufficient_funds" },
        { "pm_card_chargeDeclinedLostCard", "Declined", "lost_card" },
        { "pm_card_chargeDeclinedStolenCard", "Declined", "stolen_card" },
        { "pm_card_chargeDeclinedExpiredCard", "Declined", "expired_card" },
        { "pm_card_chargeDeclinedIncorrectCvc", "Declined", "incorrect_cvc" },
        { "pm_card_chargeDeclinedProcessingError", "Declined", "processing_error" },
        { "pm_card_chargeDeclinedFraudulent", "Declined", "fraudulent" },
        { "pm_card_authenticationRequired", "RequiresAction", null },
        { "pm_card_threeDSecure2Required", "RequiresAction", null },
        { "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", "RequiresAction", null },
        { "pm_card_noSuchCard", "Declined", "resource_missing" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task A_test_payment_method_authorises_declines_or_asks_for_action_as_stripe_does(string method, string status, string? declineCode)
    {
        var paymentId = Guid.NewGuid();

        var answer = await _sandbox.AuthorizeAsync(new ProviderAuthorization(paymentId, Guid.NewGuid(), Money.Of(10m, "EUR"), method, "a@b.c"), CancellationToken.None);

        Assert.Equal(status, answer.Status.ToString());
        Assert.Equal(declineCode, answer.DeclineCode);
        Assert.Equal(declineCode is not null, !string.IsNullOrWhiteSpace(answer.DeclineReason));
        Assert.Equal(status == "RequiresAction", answer.Action is not null);
        if (answer.Action is { } action)
        {
            Assert.Equal(SandboxProvider.ActionType, action.Type);
            Assert.Equal($"/api/v1/payments/sandbox/{paymentId}/confirm", action.ConfirmationPath);
            Assert.StartsWith(answer.ProviderReference + "_secret_", action.ClientSecret, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("pm_card_authenticationRequired", "Complete", "Authorized", null)]
    [InlineData("pm_card_authenticationRequired", "Fail", "Declined", "payment_intent_authentication_failure")]
    [InlineData("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", "Complete", "Declined", "insufficient_funds")]
    public async Task The_answer_to_an_action_follows_the_customer_and_the_card(string method, string choice, string status, string? declineCode)
    {
        var answer = await _sandbox.ConfirmActionAsync("pi_sandbox_x", method, Enum.Parse<ActionChoice>(choice), CancellationToken.None);

        Assert.Equal(status, answer.Status.ToString());
        Assert.Equal(declineCode, answer.DeclineCode);
    }

    [Fact]
    public async Task The_same_payment_gets_the_same_client_secret_again_and_another_payment_another()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var answer = await _sandbox.AuthorizeAsync(new ProviderAuthorization(first, Guid.NewGuid(), Money.Of(10m, "EUR"), "pm_card_authenticationRequired", "a@b.c"), CancellationToken.None);
        var other = await _sandbox.AuthorizeAsync(new ProviderAuthorization(second, Guid.NewGuid(), Money.Of(10m, "EUR"), "pm_card_authenticationRequired", "a@b.c"), CancellationToken.None);

        var again = await _sandbox.PendingActionAsync(first, answer.ProviderReference!, CancellationToken.None);

        Assert.Equal(answer.Action!.ClientSecret, again.ClientSecret);
        Assert.NotEqual(answer.Action.ClientSecret, other.Action!.ClientSecret);
    }

    [Fact]
    public void Every_known_test_id_is_listed_once_and_every_decline_has_a_code_and_a_reason()
    {
        Assert.Equal(SandboxCards.Known.Count, SandboxCards.Known.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(
            SandboxCards.Known.Where(c => c.Behaviour is SandboxBehaviour.Declines or SandboxBehaviour.RequiresActionThenDeclines),
            c => Assert.False(string.IsNullOrWhiteSpace(c.DeclineCode) || string.IsNullOrWhiteSpace(c.DeclineReason), c.Id));
    }

    [Fact]
    public async Task Capturing_takes_the_amount_asked_and_refunding_answers_one_refund_per_idempotency_key()
    {
        var authorised = await _sandbox.AuthorizeAsync(new ProviderAuthorization(Guid.NewGuid(), Guid.NewGuid(), Money.Of(30m, "EUR"), "pm_card_visa", "b@x.test"), CancellationToken.None);
        var reference = authorised.ProviderReference!;

        var capture = await _sandbox.CaptureAsync(reference, Money.Of(25m, "EUR"), "capture:1", CancellationToken.None);
        var refund = await _sandbox.RefundAsync(reference, Money.Of(5m, "EUR"), "refund:1", CancellationToken.None);
        var retried = await _sandbox.RefundAsync(reference, Money.Of(5m, "EUR"), "refund:1", CancellationToken.None);
        var another = await _sandbox.RefundAsync(reference, Money.Of(5m, "EUR"), "refund:2", CancellationToken.None);

        Assert.Equal((reference, Money.Of(25m, "EUR")), (capture.ProviderReference, capture.Captured));
        Assert.Equal("ch_" + reference["pi_".Length..], capture.ChargeReference);
        Assert.Equal(Money.Of(5m, "EUR"), refund.Refunded);
        Assert.Equal(refund, retried);
        Assert.NotEqual(refund.RefundReference, another.RefundReference);

        // The sandbox's balance has the capture and each refund once, however often it was asked.
        var balance = await _balance.SinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);
        Assert.Equal([("charge", 2500L), ("refund", -500L), ("refund", -500L)], balance.Select(t => (t.Type, t.AmountMinor)).Order().ToList());
        Assert.All(balance, t => Assert.Equal(reference, t.PaymentReference));
        Assert.Equal(balance.Single(t => t.Type == "refund" && t.SourceId == refund.RefundReference).SourceId, refund.RefundReference);
    }

    [Fact]
    public async Task Capturing_or_refunding_nothing_or_a_payment_the_sandbox_did_not_make_is_refused()
    {
        await Assert.ThrowsAsync<ProviderRefusedException>(() => _sandbox.CaptureAsync("pi_sandbox_x", Money.Of(0m, "EUR"), "k", CancellationToken.None));
        await Assert.ThrowsAsync<ProviderRefusedException>(() => _sandbox.RefundAsync("pi_sandbox_x", Money.Of(-1m, "EUR"), "k", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _sandbox.CaptureAsync("pi_3Nreal", Money.Of(1m, "EUR"), "k", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _sandbox.RefundAsync("pi_3Nreal", Money.Of(1m, "EUR"), "k", CancellationToken.None));
    }
}
