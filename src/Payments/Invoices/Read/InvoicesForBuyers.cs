using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Invoices.Read;

/// <summary>The invoices port for Ordering's buyer routes: the same sheet and page the seller reads.</summary>
internal sealed class InvoicesForBuyers(PaymentsDbContext db) : IInvoices
{
    public async Task<InvoiceResponse?> ForOrderAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.OrderId == orderId, cancellationToken);
        return invoice is null ? null : await InvoiceSheet.ReadAsync(db, invoice, cancellationToken);
    }

    public string Printable(InvoiceResponse invoice) => InvoicePage.Render(invoice);

    public string PrintablePolicy => InvoicePage.ContentSecurityPolicy;
}
