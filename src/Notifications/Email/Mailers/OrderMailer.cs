using MassTransit;
using Marketplace.Identity.Contracts;
using Marketplace.Notifications.Email.Templates;
using Marketplace.Ordering.Contracts;
using Marketplace.Payments.Contracts;
using Marketplace.Platform.Messaging;
using Microsoft.Extensions.Logging;

namespace Marketplace.Notifications.Email.Mailers;

/// <summary>
/// Tells the customer of their order's moves by mail: placed, shipped, delivered, cancelled, and each refund of it
/// (Payments' <see cref="PaymentRefunded"/>). The recipient is the
/// account's email for a signed-in customer (as it is now), the checkout's contact email for a guest; the language is
/// the one chosen at checkout. Each (order, version, recipient), and each refund, queues one mail, however often the event arrives.
/// </summary>
internal sealed partial class OrderMailer(IOrderNotices orders, IAccountDirectory accounts, MailQueue queue, ILogger<OrderMailer> logger)
    : IConsumer<Batch<OrderPlaced>>, IConsumer<Batch<OrderShipped>>, IConsumer<Batch<OrderDelivered>>, IConsumer<Batch<OrderCancelled>>,
      IConsumer<Batch<PaymentRefunded>>
{
    public Task Consume(ConsumeContext<Batch<OrderPlaced>> context) =>
        MailAllAsync(context, m => new Occurrence(MailKinds.OrderPlaced, m.OrderId, Version(m.Version), MailTemplates.OrderPlaced));

    public Task Consume(ConsumeContext<Batch<OrderShipped>> context) =>
        MailAllAsync(context, m => new Occurrence(MailKinds.OrderShipped, m.OrderId, Version(m.Version), mail => MailTemplates.OrderShipped(mail, m.Carrier, m.TrackingNumber)));

    /// <summary>A customer who confirmed receipt themselves is not told what they just did.</summary>
    public Task Consume(ConsumeContext<Batch<OrderDelivered>> context) =>
        MailAllAsync(context, m => m.ConfirmedByCustomer ? null : new Occurrence(MailKinds.OrderDelivered, m.OrderId, Version(m.Version), MailTemplates.OrderDelivered));

    /// <summary>A checkout whose payment never went through was never confirmed to the customer as placed: checkout answered it.</summary>
    public Task Consume(ConsumeContext<Batch<OrderCancelled>> context) =>
        MailAllAsync(context, m => m.WasPlaced
            ? new Occurrence(MailKinds.OrderCancelled, m.OrderId, Version(m.Version), mail => MailTemplates.OrderCancelled(mail, m.Reason))
            : null);

    /// <summary>One mail per refund, keyed by the refund's id: partial refunds of one order are mailed each.</summary>
    public Task Consume(ConsumeContext<Batch<PaymentRefunded>> context) =>
        MailAllAsync(context, m => new Occurrence(MailKinds.RefundIssued, m.OrderId, m.RefundId.ToString("N"), mail => MailTemplates.RefundIssued(mail, m.Amount, m.Reason)));

    /// <summary>What one event asks to mail.</summary>
    /// <param name="Kind">The mail's kind.</param>
    /// <param name="OrderId">The order it is about.</param>
    /// <param name="Key">What makes this mail one of its kind for the order: the order's version, or a refund's id.</param>
    /// <param name="Render">Renders it.</param>
    private sealed record Occurrence(string Kind, Guid OrderId, string Key, Func<OrderMail, RenderedMail> Render);

    private static string Version(int version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Renders the batch's mails and queues them in one save (<see cref="BatchedConsumerDefinition{TConsumer}"/>);
    /// each (order, occurrence, recipient) is queued once, however often its event arrives. The batch's orders are read
    /// together, and each customer's email and seller's name once.
    /// </summary>
    private async Task MailAllAsync<TMessage>(ConsumeContext<Batch<TMessage>> context, Func<TMessage, Occurrence?> occurrenceOf)
        where TMessage : class
    {
        var cancellationToken = context.CancellationToken;
        var occurrences = context.Message.Select(m => occurrenceOf(m.Message)).OfType<Occurrence>().ToList();
        if (occurrences.Count == 0)
        {
            return;
        }

        // Ordering publishes after its commit, so the orders exist; retrying an event about no order would never help.
        var notices = await orders.FindAllAsync([.. occurrences.Select(o => o.OrderId)], cancellationToken);
        var emails = new Dictionary<Guid, string?>();
        var sellerNames = new Dictionary<Guid, string>();
        var mails = new List<QueuedMail>();
        foreach (var (kind, orderId, key, render) in occurrences)
        {
            if (!notices.TryGetValue(orderId, out var order))
            {
                LogUnknownOrder(logger, kind, orderId);
                continue;
            }

            string? accountEmail = null;
            if (order.CustomerId is { } customerId && !emails.TryGetValue(customerId, out accountEmail))
            {
                accountEmail = await accounts.EmailOfAsync(customerId, cancellationToken);
                emails[customerId] = accountEmail;
            }

            var recipient = accountEmail ?? order.ContactEmail;
            if (string.IsNullOrWhiteSpace(recipient))
            {
                LogNoRecipient(logger, kind, orderId);
                continue;
            }

            if (!sellerNames.TryGetValue(order.SellerId, out var sellerName))
            {
                sellerName = (await accounts.SellerAsync(order.SellerId, cancellationToken))?.Name ?? "";
                sellerNames[order.SellerId] = sellerName;
            }

            mails.Add(new QueuedMail($"{kind}:{orderId}:{key}", kind, order.Language, recipient, render(new OrderMail(order, sellerName))));
        }

        await queue.EnqueueAllAsync(mails, cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "No {Kind} mail for order {OrderId}: Ordering does not know the order")]
    private static partial void LogUnknownOrder(ILogger logger, string kind, Guid orderId);

    [LoggerMessage(LogLevel.Warning, "No {Kind} mail for order {OrderId}: it has no email to write to")]
    private static partial void LogNoRecipient(ILogger logger, string kind, Guid orderId);
}
