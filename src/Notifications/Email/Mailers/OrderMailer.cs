using MassTransit;
using Marketplace.Identity.Contracts;
using Marketplace.Notifications.Email.Templates;
using Marketplace.Ordering.Contracts;
using Marketplace.Payments.Contracts;
using Microsoft.Extensions.Logging;

namespace Marketplace.Notifications.Email.Mailers;

/// <summary>
/// Tells the customer of their order's moves by mail: placed, shipped, delivered, cancelled, and each refund of it
/// (Payments' <see cref="PaymentRefunded"/>). The recipient is the
/// account's email for a signed-in customer (as it is now), the checkout's contact email for a guest; the language is
/// the one chosen at checkout. Each (order, version, recipient), and each refund, queues one mail, however often the event arrives.
/// </summary>
internal sealed partial class OrderMailer(IOrderNotices orders, IAccountDirectory accounts, MailQueue queue, ILogger<OrderMailer> logger)
    : IConsumer<OrderPlaced>, IConsumer<OrderShipped>, IConsumer<OrderDelivered>, IConsumer<OrderCancelled>, IConsumer<PaymentRefunded>
{
    public Task Consume(ConsumeContext<OrderPlaced> context) =>
        MailAsync(MailKinds.OrderPlaced, context.Message.OrderId, context.Message.Version, MailTemplates.OrderPlaced, context.CancellationToken);

    public Task Consume(ConsumeContext<OrderShipped> context) =>
        MailAsync(MailKinds.OrderShipped, context.Message.OrderId, context.Message.Version,
            mail => MailTemplates.OrderShipped(mail, context.Message.Carrier, context.Message.TrackingNumber), context.CancellationToken);

    /// <summary>A customer who confirmed receipt themselves is not told what they just did.</summary>
    public Task Consume(ConsumeContext<OrderDelivered> context) =>
        context.Message.ConfirmedByCustomer
            ? Task.CompletedTask
            : MailAsync(MailKinds.OrderDelivered, context.Message.OrderId, context.Message.Version, MailTemplates.OrderDelivered, context.CancellationToken);

    /// <summary>A checkout whose payment never went through was never confirmed to the customer as placed: checkout answered it.</summary>
    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        context.Message.WasPlaced
            ? MailAsync(MailKinds.OrderCancelled, context.Message.OrderId, context.Message.Version,
                mail => MailTemplates.OrderCancelled(mail, context.Message.Reason), context.CancellationToken)
            : Task.CompletedTask;

    /// <summary>One mail per refund, keyed by the refund's id: partial refunds of one order are mailed each.</summary>
    public Task Consume(ConsumeContext<PaymentRefunded> context) =>
        MailAsync(MailKinds.RefundIssued, context.Message.OrderId, context.Message.RefundId.ToString("N"),
            mail => MailTemplates.RefundIssued(mail, context.Message.Amount, context.Message.Reason), context.CancellationToken);

    private Task MailAsync(string kind, Guid orderId, int version, Func<OrderMail, RenderedMail> render, CancellationToken cancellationToken) =>
        MailAsync(kind, orderId, version.ToString(System.Globalization.CultureInfo.InvariantCulture), render, cancellationToken);

    /// <param name="kind">The mail's kind.</param>
    /// <param name="orderId">The order it is about.</param>
    /// <param name="occurrence">What makes this mail one of its kind for the order: the order's version, or a refund's id.</param>
    /// <param name="render">Renders it.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    private async Task MailAsync(string kind, Guid orderId, string occurrence, Func<OrderMail, RenderedMail> render, CancellationToken cancellationToken)
    {
        // Ordering publishes after its commit, so the order exists; retrying an event about no order would never help.
        if (await orders.FindAsync(orderId, cancellationToken) is not { } order)
        {
            LogUnknownOrder(logger, kind, orderId);
            return;
        }

        var recipient = (order.CustomerId is { } customerId ? await accounts.EmailOfAsync(customerId, cancellationToken) : null) ?? order.ContactEmail;
        if (string.IsNullOrWhiteSpace(recipient))
        {
            LogNoRecipient(logger, kind, orderId);
            return;
        }

        var seller = await accounts.SellerAsync(order.SellerId, cancellationToken);
        var mail = render(new OrderMail(order, seller?.Name ?? ""));
        await queue.EnqueueAsync($"{kind}:{orderId}:{occurrence}", kind, order.Language, recipient, mail, cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "No {Kind} mail for order {OrderId}: Ordering does not know the order")]
    private static partial void LogUnknownOrder(ILogger logger, string kind, Guid orderId);

    [LoggerMessage(LogLevel.Warning, "No {Kind} mail for order {OrderId}: it has no email to write to")]
    private static partial void LogNoRecipient(ILogger logger, string kind, Guid orderId);
}
