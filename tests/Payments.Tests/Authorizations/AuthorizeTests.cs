using Marketplace.Payments.Contracts;
using Marketplace.Platform;

namespace Marketplace.Payments.Tests.Authorizations;

/// <summary>Authorising through the port Ordering calls, on PostgreSQL: outcomes, events, repeats and refusals.</summary>
public sealed class AuthorizeTests(PaymentsHost host) : IClassFixture<PaymentsHost>
{
    [Theory]
    [InlineData("pm_card_visa", PaymentStatus.Authorized, null, "PaymentAuthorized")]
    [InlineData("pm_card_mastercard", PaymentStatus.Authorized, null, "PaymentAuthorized")]
    [InlineData("pm_card_chargeDeclined", PaymentStatus.Declined, "generic_decline", "PaymentFailed")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", PaymentStatus.Declined, "insufficient_funds", "PaymentFailed")]
    [InlineData("pm_card_chargeDeclinedExpiredCard", PaymentStatus.Declined, "expired_card", "PaymentFailed")]
    [InlineData("pm_card_unknownToStripe", PaymentStatus.Declined, "resource_missing", "PaymentFailed")]
    [InlineData("pm_card_authenticationRequired", PaymentStatus.RequiresAction, null, "PaymentActionRequired")]
    public async Task Authorising_answers_the_sandbox_outcome_and_writes_its_event_to_the_outbox(
        string method, PaymentStatus status, string? declineCode, string expectedEvent)
    {
        var request = PaymentsHost.Request(method);

        var result = await host.AuthorizeAsync(request);

        Assert.Equal(PaymentResultKind.Done, result.Kind);
        var payment = result.Payment!;
        Assert.Equal(status, payment.Status);
        Assert.Equal(request.OrderGroupId, payment.OrderGroupId);
        Assert.Equal(Money.Of(49.90m, "EUR"), payment.Amount);
        Assert.Equal(declineCode, payment.Decline?.Code);
        Assert.Equal(status == PaymentStatus.RequiresAction, payment.NextAction is not null);
        Assert.Equal([expectedEvent], await host.EventsAsync(payment.PaymentId));
        Assert.Equal(payment, await host.GetAsync(payment.PaymentId));
    }

    [Fact]
    public async Task A_payment_that_requires_action_names_the_sandbox_confirmation_route_its_secret_and_its_deadline()
    {
        var before = host.Clock.GetUtcNow();

        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var action = payment.NextAction!;
        Assert.Equal("use_sandbox_confirmation", action.Type);
        Assert.Equal($"/api/v1/payments/sandbox/{payment.PaymentId}/confirm", action.ConfirmationPath);
        Assert.False(string.IsNullOrWhiteSpace(action.ClientSecret));
        Assert.InRange(action.ExpiresAt, before + PaymentsHost.ActionTimeout, host.Clock.GetUtcNow() + PaymentsHost.ActionTimeout);
    }

    [Fact]
    public async Task A_repeated_authorisation_for_the_same_order_group_answers_the_same_payment_and_charges_once()
    {
        var request = PaymentsHost.Request("pm_card_authenticationRequired");
        var first = await host.AuthorizeAsync(request);

        var again = await host.AuthorizeAsync(request);

        Assert.Equal(PaymentResultKind.Done, again.Kind);
        Assert.Equal(first.Payment, again.Payment);
        Assert.Equal(1, await host.PaymentsForAsync(request.OrderGroupId));
        Assert.Equal(["PaymentActionRequired"], await host.EventsAsync(first.Payment!.PaymentId));
    }

    [Fact]
    public async Task Twenty_concurrent_authorisations_for_one_order_group_make_one_payment_and_one_event()
    {
        var request = PaymentsHost.Request("pm_card_visa");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => host.AuthorizeAsync(request))));

        Assert.All(results, r => Assert.Equal(PaymentResultKind.Done, r.Kind));
        Assert.Single(results.Select(r => r.Payment!.PaymentId).Distinct());
        Assert.All(results, r => Assert.Equal(PaymentStatus.Authorized, r.Payment!.Status));
        Assert.Equal(1, await host.PaymentsForAsync(request.OrderGroupId));
        Assert.Equal(["PaymentAuthorized"], await host.EventsAsync(results[0].Payment!.PaymentId));
    }

    [Fact]
    public async Task Another_amount_for_an_order_group_that_has_a_payment_is_a_conflict_and_changes_nothing()
    {
        var request = PaymentsHost.Request("pm_card_visa", amount: 20m);
        var first = await host.AuthorizeAsync(request);

        var other = await host.AuthorizeAsync(request with { Amount = Money.Of(21m, "EUR") });
        var otherMethod = await host.AuthorizeAsync(request with { PaymentMethodId = "pm_card_mastercard" });

        Assert.Equal(PaymentResultKind.Conflict, other.Kind);
        Assert.Equal(PaymentResultKind.Conflict, otherMethod.Kind);
        Assert.Equal(first.Payment, other.Payment);
        Assert.Equal(1, await host.PaymentsForAsync(request.OrderGroupId));
        Assert.Equal(Money.Of(20m, "EUR"), (await host.GetAsync(first.Payment!.PaymentId))!.Amount);
    }

    [Theory]
    [InlineData("4242424242424242")]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("4000-0027-6000-3184")]
    [InlineData("pm_4242424242424242")]
    public async Task A_card_number_as_payment_method_is_refused_naming_the_field_and_is_neither_echoed_nor_stored_nor_logged(string cardNumber)
    {
        var request = PaymentsHost.Request(cardNumber);

        var result = await host.AuthorizeAsync(request);

        Assert.Equal(PaymentResultKind.Invalid, result.Kind);
        var messages = Assert.Contains("paymentMethodId", result.Errors!);
        Assert.Equal([PaymentMethodIds.CardNumberRefusal], messages);
        var digits = new string(cardNumber.Where(char.IsDigit).ToArray());
        Assert.DoesNotContain(result.Errors!.Values.SelectMany(m => m), m => m.Contains(digits[..8], StringComparison.Ordinal));
        Assert.Equal(0, await host.PaymentsForAsync(request.OrderGroupId));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(digits[..8], StringComparison.Ordinal) || line.Contains(cardNumber, StringComparison.Ordinal));
    }

    public static TheoryData<string, AuthorizePayment> Malformed() => new()
    {
        { "paymentMethodId", PaymentsHost.Request("card_visa") },
        { "paymentMethodId", PaymentsHost.Request("") },
        { "paymentMethodId", PaymentsHost.Request("pm_" + new string('a', 200)) },
        { "orderGroupId", PaymentsHost.Request("pm_card_visa", orderGroupId: Guid.Empty) },
        { "amount.amount", PaymentsHost.Request("pm_card_visa", amount: 0m) },
        { "amount.amount", PaymentsHost.Request("pm_card_visa", amount: 1_000_000m) },
        { "amount.amount", PaymentsHost.Request("pm_card_visa") with { Amount = new Money(1.005m, "EUR") } },
        { "amount.currency", PaymentsHost.Request("pm_card_visa") with { Amount = new Money(10m, "XXX") } },
        { "customerEmail", PaymentsHost.Request("pm_card_visa") with { CustomerEmail = "not an email" } },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_authorisation_names_the_field_and_stores_nothing(string field, AuthorizePayment request)
    {
        var result = await host.AuthorizeAsync(request);

        Assert.Equal(PaymentResultKind.Invalid, result.Kind);
        Assert.Contains(field, result.Errors!.Keys);
        Assert.Equal(0, await host.PaymentsForAsync(request.OrderGroupId));
    }

    [Fact]
    public async Task Voiding_an_authorised_payment_cancels_it_once_however_often_it_is_asked()
    {
        var payment = await host.AuthorizedAsync("pm_card_visa");

        var voids = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => host.VoidAsync(payment.PaymentId))));
        var again = await host.VoidAsync(payment.PaymentId);

        Assert.All(voids.Append(again), v => Assert.Equal(PaymentResultKind.Done, v.Kind));
        Assert.All(voids.Append(again), v => Assert.Equal(PaymentStatus.Canceled, v.Payment!.Status));
        Assert.Equal(PaymentCancelReason.Voided, again.Payment!.CancelReason);
        Assert.Equal(["PaymentAuthorized", "PaymentCanceled"], await host.EventsAsync(payment.PaymentId));
    }

    [Fact]
    public async Task Voiding_a_declined_payment_leaves_it_declined_and_voiding_an_unknown_one_finds_nothing()
    {
        var declined = await host.AuthorizedAsync("pm_card_chargeDeclined");

        var voided = await host.VoidAsync(declined.PaymentId);
        var unknown = await host.VoidAsync(Guid.NewGuid());

        Assert.Equal(PaymentStatus.Declined, voided.Payment!.Status);
        Assert.Equal(PaymentResultKind.NotFound, unknown.Kind);
        Assert.Equal(["PaymentFailed"], await host.EventsAsync(declined.PaymentId));
    }

    [Fact]
    public async Task Voiding_a_payment_that_waits_for_its_action_abandons_it_and_the_action_can_no_longer_complete()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var voided = await host.VoidAsync(payment.PaymentId);

        Assert.Equal(PaymentStatus.Canceled, voided.Payment!.Status);
        Assert.Null(voided.Payment.NextAction);
        Assert.Equal(["PaymentActionRequired", "PaymentCanceled"], await host.EventsAsync(payment.PaymentId));
    }
}
