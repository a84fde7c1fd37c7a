namespace Marketplace.Payments.Contracts;

/// <summary>
/// A seller order's invoice, for the module that knows who may read it: Ordering opens an order to its buyer (by
/// sign-in or guest token), then reads its invoice here. Payments checks no caller itself on this port.
/// </summary>
public interface IInvoices
{
    /// <summary>The order's invoice with its money from the ledger, or null while none is issued (before its capture).</summary>
    Task<InvoiceResponse?> ForOrderAsync(Guid orderId, CancellationToken cancellationToken);

    /// <summary>The invoice as a printable HTML page, every outside text encoded.</summary>
    string Printable(InvoiceResponse invoice);

    /// <summary>The Content-Security-Policy the printable page is served with: it loads and runs nothing.</summary>
    string PrintablePolicy { get; }
}
