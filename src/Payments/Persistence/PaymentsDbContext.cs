using Marketplace.Payments.Contracts;
using Marketplace.Payments.Domain;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Persistence;

internal sealed class PaymentsDbContext(DbContextOptions<PaymentsDbContext> options) : ModuleDbContext(options, "payments")
{
    public DbSet<Payment> Payments => Set<Payment>();

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
            payment.Property(p => p.DeclineCode).HasMaxLength(Payment.MaxDeclineCodeLength);
            payment.Property(p => p.DeclineReason).HasMaxLength(Payment.MaxDeclineReasonLength);
            payment.Property(p => p.CancelReason).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.ClientSecretHash).HasMaxLength(32);
            payment.Property(p => p.Version).IsConcurrencyToken();
            payment.Ignore(p => p.Total);

            // The sweeper's two questions: which actions expired, which authorisations stalled.
            payment.HasIndex(p => new { p.Status, p.ActionExpiresAt });
            payment.HasIndex(p => new { p.Status, p.UpdatedAt });
        });
    }
}
