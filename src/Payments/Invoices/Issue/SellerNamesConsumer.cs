using MassTransit;
using Marketplace.Identity.Contracts;
using Marketplace.Payments.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Invoices.Issue;

/// <summary>Learns sellers' display names from Identity: an invoice names its issuer.</summary>
internal sealed class SellerNamesConsumer(PaymentsDbContext db, TimeProvider clock) : IConsumer<SellerRegistered>
{
    public Task Consume(ConsumeContext<SellerRegistered> context) =>
        db.ApplyOnceAsync(context.MessageId, nameof(SellerNamesConsumer), clock, async ct =>
        {
            var message = context.Message;
            var name = message.Name.Length <= Invoice.MaxSellerNameLength ? message.Name : message.Name[..Invoice.MaxSellerNameLength];
            var known = await db.InvoiceSellers.SingleOrDefaultAsync(s => s.SellerId == message.SellerId, ct);
            if (known is null)
            {
                db.InvoiceSellers.Add(new InvoiceSeller { SellerId = message.SellerId, Name = name });
            }
            else
            {
                known.Name = name;
            }
        }, context.CancellationToken);
}
