using MassTransit;
using Marketplace.Identity.Contracts;
using Marketplace.Notifications.Email.Templates;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform.Http;

namespace Marketplace.Notifications.Email.Mailers;

/// <summary>
/// Tells a seller's owner by mail that an order it may already be preparing was cancelled because its payment was not
/// taken (the authorisation lapsed, or the group's capture left the order out), so it is not shipped unpaid. Other
/// cancellations the seller made or hears of through its webhooks. One mail per (order, version), however often the
/// event arrives. Accounts hold no language, so it goes in the default one.
/// </summary>
internal sealed class SellerOrderMailer(IAccountDirectory accounts, MailQueue queue) : IConsumer<OrderCancelled>
{
    /// <summary>The cancellations that mean "unpaid": Ordering's transition names for them.</summary>
    public static readonly IReadOnlySet<string> UnpaidTransitions = new HashSet<string>(StringComparer.Ordinal) { "PaymentAuthorizationLapsed", "PaymentNotCaptured" };

    private const string Language = CustomerLanguages.Default;

    public async Task Consume(ConsumeContext<OrderCancelled> context)
    {
        var cancelled = context.Message;
        if (!cancelled.WasPlaced || !UnpaidTransitions.Contains(cancelled.Transition)
            || await accounts.SellerAsync(cancelled.SellerId, context.CancellationToken) is not { OwnerEmail: { } owner } seller)
        {
            return;
        }

        await queue.EnqueueAsync(
            $"{MailKinds.SellerOrderUnpaid}:{cancelled.OrderId}:{cancelled.Version}", MailKinds.SellerOrderUnpaid, Language, owner,
            MailTemplates.SellerOrderUnpaid(Language, seller.Name, cancelled.Number, cancelled.Reason), context.CancellationToken);
    }
}
