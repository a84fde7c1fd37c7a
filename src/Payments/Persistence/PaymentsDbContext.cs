using Marketplace.Payments.Contracts;
using Marketplace.Payments.Disputes;
using Marketplace.Payments.Domain;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Invoices;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Payouts;
using Marketplace.Payments.Providers.Sandbox;
using Marketplace.Payments.Reconciliation;
using Marketplace.Payments.Refunds;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Persistence;

internal sealed class PaymentsDbContext(DbContextOptions<PaymentsDbContext> options) : ModuleDbContext(options, "payments")
{
    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<EscrowOrder> EscrowOrders => Set<EscrowOrder>();

    public DbSet<EscrowOrderLine> EscrowOrderLines => Set<EscrowOrderLine>();

    public DbSet<SellerPayoutAccount> SellerPayoutAccounts => Set<SellerPayoutAccount>();

    public DbSet<Payout> Payouts => Set<Payout>();

    public DbSet<LedgerTransaction> LedgerTransactions => Set<LedgerTransaction>();

    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();

    public DbSet<PaymentRefund> Refunds => Set<PaymentRefund>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<InvoiceCounter> InvoiceCounters => Set<InvoiceCounter>();

    public DbSet<InvoiceSeller> InvoiceSellers => Set<InvoiceSeller>();

    public DbSet<SandboxBalanceTransaction> SandboxBalanceTransactions => Set<SandboxBalanceTransaction>();

    public DbSet<ReconciliationRun> ReconciliationRuns => Set<ReconciliationRun>();

    public DbSet<Dispute> Disputes => Set<Dispute>();

    public DbSet<SandboxDispute> SandboxDisputes => Set<SandboxDispute>();

    /// <summary>Queues the event a transition returned, under its own type, so consumers see the contract they subscribe to.</summary>
    public void PublishPaymentEvent(object paymentEvent, TimeProvider clock)
    {
        switch (paymentEvent)
        {
            case PaymentAuthorized authorized:
                Publish(authorized, clock);
                break;
            case PaymentFailed failed:
                Publish(failed, clock);
                break;
            case PaymentActionRequired actionRequired:
                Publish(actionRequired, clock);
                break;
            case PaymentCanceled canceled:
                Publish(canceled, clock);
                break;
            case PaymentCaptured captured:
                Publish(captured, clock);
                break;
            case PaymentAuthorizationLapsed lapsed:
                Publish(lapsed, clock);
                break;
            default:
                throw new InvalidOperationException($"{paymentEvent.GetType().Name} is not a payment event.");
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Payment>(payment =>
        {
            payment.ToTable("payments");
            payment.HasKey(p => p.Id);
            payment.HasIndex(p => p.Reference).IsUnique();
            payment.Property(p => p.Currency).HasMaxLength(3);
            payment.Property(p => p.Method).HasMaxLength(PaymentMethodIds.MaxLength);
            payment.Property(p => p.CustomerEmail).HasMaxLength(Payment.MaxEmailLength);
            payment.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.Provider).HasMaxLength(20);
            payment.Property(p => p.ProviderReference).HasMaxLength(Payment.MaxProviderReferenceLength);
            payment.Property(p => p.ChargeReference).HasMaxLength(Payment.MaxProviderReferenceLength);
            payment.Property(p => p.DeclineCode).HasMaxLength(Payment.MaxDeclineCodeLength);
            payment.Property(p => p.DeclineReason).HasMaxLength(Payment.MaxDeclineReasonLength);
            payment.Property(p => p.CancelReason).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.ClientSecretHash).HasMaxLength(32);
            payment.Property(p => p.Version).IsConcurrencyToken();
            payment.Ignore(p => p.Total);

            // The sweeper's two questions: which actions expired, which authorisations stalled.
            payment.HasIndex(p => new { p.Status, p.ActionExpiresAt });
            payment.HasIndex(p => new { p.Status, p.UpdatedAt });
            payment.Ignore(p => p.Captured);

            // The capture scheduler's question: which authorisations come near their capture_before.
            payment.HasIndex(p => new { p.Status, p.CaptureBefore });
        });
        modelBuilder.Entity<EscrowOrder>(order =>
        {
            order.ToTable("escrow_orders");
            order.HasKey(o => o.OrderId);
            order.Property(o => o.OrderId).ValueGeneratedNever();
            order.HasIndex(o => o.OrderGroupId);
            order.Property(o => o.Number).HasMaxLength(EscrowOrder.MaxNumberLength);
            order.Property(o => o.Currency).HasMaxLength(3);
            order.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
            order.Ignore(o => o.PayableMinor);
            order.Ignore(o => o.RemainingMinor);

            // The payout run's question: which captured orders were delivered long enough ago and are not paid yet.
            order.HasIndex(o => new { o.PaidOutAt, o.DeliveredAt });
        });
        modelBuilder.Entity<EscrowOrderLine>(line =>
        {
            line.ToTable("escrow_order_lines");
            line.HasKey(l => new { l.OrderId, l.LineNumber });
        });
        modelBuilder.Entity<SellerPayoutAccount>(account =>
        {
            account.ToTable("seller_payout_accounts");
            account.HasKey(a => a.SellerId);
            account.Property(a => a.SellerId).ValueGeneratedNever();
            account.Ignore(a => a.RequirementsDueList);
            account.Property(a => a.Provider).HasMaxLength(20);
            account.Property(a => a.AccountId).HasMaxLength(SellerPayoutAccount.MaxAccountIdLength);
            account.Property(a => a.RequirementsDue).HasMaxLength(SellerPayoutAccount.MaxRequirementsLength);

            // Stripe's account.updated names the account, not the seller.
            account.HasIndex(a => a.AccountId);
        });
        modelBuilder.Entity<Payout>(payout =>
        {
            payout.ToTable("payouts");

            // One transfer per seller order: a second record of it is refused here.
            payout.HasKey(p => p.OrderId);
            payout.Property(p => p.OrderId).ValueGeneratedNever();
            payout.Property(p => p.Currency).HasMaxLength(3);
            payout.Property(p => p.Provider).HasMaxLength(20);
            payout.Property(p => p.Destination).HasMaxLength(SellerPayoutAccount.MaxAccountIdLength);
            payout.Property(p => p.TransferReference).HasMaxLength(Payout.MaxReferenceLength);
            payout.HasIndex(p => new { p.SellerId, p.PaidAt });
        });
        modelBuilder.Entity<PaymentRefund>(refund =>
        {
            refund.ToTable("refunds");
            refund.HasKey(r => r.Id);
            refund.Property(r => r.Id).ValueGeneratedNever();
            refund.HasIndex(r => r.OrderId);
            refund.Property(r => r.OrderNumber).HasMaxLength(EscrowOrder.MaxNumberLength);
            refund.Property(r => r.Currency).HasMaxLength(3);
            refund.Property(r => r.Reason).HasMaxLength(PaymentRefund.MaxReasonLength);
            refund.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            refund.Property(r => r.ProviderReference).HasMaxLength(PaymentRefund.MaxProviderReferenceLength);
            refund.Property(r => r.ProviderCode).HasMaxLength(60);
            refund.Property(r => r.Version).IsConcurrencyToken();
            refund.Ignore(r => r.ProviderKey);
            refund.Ignore(r => r.ReversalKey);
            refund.Property(r => r.ReversalReference).HasMaxLength(PaymentRefund.MaxProviderReferenceLength);

            // The payout run's sweep: refunds of paid-out orders whose transfer reversal is still owed.
            refund.HasIndex(r => r.CreatedAt, "ix_refunds_reversal_owed").HasDatabaseName("ix_refunds_reversal_owed").HasFilter("reversal_minor > 0 AND reversed_at IS NULL");

            // The pending-refund sweeper's one query: pending refunds by age. Finished ones, nearly all, stay out of the index.
            refund.HasIndex(r => r.CreatedAt, "ix_refunds_pending_created").HasDatabaseName("ix_refunds_pending_created").HasFilter("status = 'Pending'");
        });
        modelBuilder.Entity<LedgerTransaction>(transaction =>
        {
            transaction.ToTable("ledger_transactions");
            transaction.HasKey(t => t.Id);

            // One booking per business event: a retry that would book it again is refused here.
            transaction.HasIndex(t => t.Key).IsUnique();
            transaction.Property(t => t.Key).HasMaxLength(LedgerTransaction.MaxKeyLength);
            transaction.Property(t => t.Kind).HasMaxLength(40);
            transaction.Property(t => t.Currency).HasMaxLength(3);
            transaction.HasIndex(t => t.PaymentId);
            transaction.HasMany(t => t.Entries).WithOne().HasForeignKey(e => e.TransactionId);
        });
        modelBuilder.Entity<LedgerEntry>(entry =>
        {
            entry.ToTable("ledger_entries");
            entry.HasKey(e => e.Sequence);
            entry.Property(e => e.Sequence).ValueGeneratedOnAdd();
            entry.Property(e => e.Account).HasMaxLength(LedgerEntry.MaxAccountLength);
            entry.Property(e => e.AccountKind).HasConversion<string>().HasMaxLength(20);
            entry.Property(e => e.Currency).HasMaxLength(3);
            entry.Property(e => e.Reason).HasMaxLength(LedgerEntry.MaxReasonLength);
            entry.Property(e => e.OrderNumber).HasMaxLength(LedgerEntry.MaxOrderNumberLength);

            // A seller's statement and balance read its payable account in write order; the platform's balances group by account.
            entry.HasIndex(e => new { e.SellerId, e.Sequence });
            entry.HasIndex(e => new { e.Account, e.Currency });
        });
        OnInvoicesCreating(modelBuilder);
        OnReconciliationCreating(modelBuilder);
        OnDisputesCreating(modelBuilder);
    }

    private static void OnDisputesCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Dispute>(dispute =>
        {
            dispute.ToTable("disputes");
            dispute.HasKey(d => d.Id);
            dispute.Property(d => d.Id).HasMaxLength(Dispute.MaxIdLength);
            dispute.Property(d => d.Provider).HasMaxLength(20);
            dispute.Property(d => d.Currency).HasMaxLength(3);
            dispute.Property(d => d.Reason).HasMaxLength(Dispute.MaxReasonLength);
            dispute.Property(d => d.ProviderStatus).HasMaxLength(Dispute.MaxProviderStatusLength);
            dispute.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            dispute.Property(d => d.Version).IsConcurrencyToken();

            // The payout run's question (is any dispute of this group open?) and the admins' list of open disputes.
            dispute.HasIndex(d => new { d.OrderGroupId, d.Status });
            dispute.HasIndex(d => new { d.Status, d.OpenedAt });
        });
        modelBuilder.Entity<SandboxDispute>(dispute =>
        {
            dispute.ToTable("sandbox_disputes");
            dispute.HasKey(d => d.Id);
            dispute.Property(d => d.Id).HasMaxLength(Dispute.MaxIdLength);
            dispute.Property(d => d.PaymentReference).HasMaxLength(SandboxBalanceTransaction.MaxReferenceLength);
            dispute.Property(d => d.Currency).HasMaxLength(3);
            dispute.Property(d => d.Reason).HasMaxLength(Dispute.MaxReasonLength);
            dispute.Property(d => d.Status).HasMaxLength(Dispute.MaxProviderStatusLength);
        });
    }

    private static void OnInvoicesCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Invoice>(invoice =>
        {
            invoice.ToTable("invoices");
            invoice.HasKey(i => i.Id);

            // The numbering's guarantees, kept by the database whatever the code does: one invoice per order, one per number.
            invoice.HasIndex(i => i.OrderId).IsUnique();
            invoice.HasIndex(i => new { i.SellerId, i.Number }).IsUnique();
            invoice.Property(i => i.OrderNumber).HasMaxLength(EscrowOrder.MaxNumberLength);
            invoice.Property(i => i.SellerName).HasMaxLength(Invoice.MaxSellerNameLength);
            invoice.Property(i => i.Currency).HasMaxLength(3);
        });
        modelBuilder.Entity<InvoiceCounter>(counter =>
        {
            counter.ToTable("invoice_counters");
            counter.HasKey(c => c.SellerId);
            counter.Property(c => c.SellerId).ValueGeneratedNever();
        });
        modelBuilder.Entity<InvoiceSeller>(seller =>
        {
            seller.ToTable("invoice_sellers");
            seller.HasKey(s => s.SellerId);
            seller.Property(s => s.SellerId).ValueGeneratedNever();
            seller.Property(s => s.Name).HasMaxLength(Invoice.MaxSellerNameLength);
        });
    }

    private static void OnReconciliationCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SandboxBalanceTransaction>(transaction =>
        {
            transaction.ToTable("sandbox_balance_transactions");
            transaction.HasKey(t => t.Id);
            transaction.Property(t => t.Id).HasMaxLength(SandboxBalanceTransaction.MaxIdLength);
            transaction.Property(t => t.Type).HasMaxLength(40);
            transaction.Property(t => t.PaymentReference).HasMaxLength(SandboxBalanceTransaction.MaxReferenceLength);
            transaction.Property(t => t.SourceId).HasMaxLength(SandboxBalanceTransaction.MaxReferenceLength);
            transaction.Property(t => t.Currency).HasMaxLength(3);
            transaction.HasIndex(t => t.CreatedAt);
        });
        modelBuilder.Entity<ReconciliationRun>(run =>
        {
            run.ToTable("reconciliation_runs");
            run.HasKey(r => r.Id);
            run.Property(r => r.Provider).HasMaxLength(20);
            run.HasIndex(r => r.RanAt);
        });
    }
}
