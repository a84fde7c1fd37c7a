using Marketplace.Notifications.Deliveries;
using Marketplace.Notifications.Email;
using Marketplace.Notifications.Webhooks;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Persistence;

internal sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : ModuleDbContext(options, "notifications")
{
    public DbSet<WebhookEndpoint> Endpoints => Set<WebhookEndpoint>();

    public DbSet<WebhookDelivery> Deliveries => Set<WebhookDelivery>();

    public DbSet<WebhookAttempt> Attempts => Set<WebhookAttempt>();

    public DbSet<OrderEventMark> OrderEventMarks => Set<OrderEventMark>();

    public DbSet<OutgoingMail> Mails => Set<OutgoingMail>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<WebhookEndpoint>(endpoint =>
        {
            endpoint.ToTable("webhook_endpoints");
            endpoint.HasKey(e => e.Id);
            endpoint.Property(e => e.Id).ValueGeneratedNever();
            endpoint.Property(e => e.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength);
            endpoint.Property(e => e.EventTypes).HasMaxLength(200);
            endpoint.Property(e => e.Secret).HasMaxLength(100);
            endpoint.Property(e => e.PreviousSecret).HasMaxLength(100);
            endpoint.Property(e => e.DisabledReason).HasMaxLength(WebhookEndpoint.MaxReasonLength);
            endpoint.Ignore(e => e.Subscribed);
            endpoint.HasIndex(e => e.SellerId);
        });

        modelBuilder.Entity<WebhookDelivery>(delivery =>
        {
            delivery.ToTable("webhook_deliveries");
            delivery.HasKey(d => d.Sequence);
            delivery.HasAlternateKey(d => d.Id);
            delivery.Property(d => d.EventType).HasMaxLength(50);
            delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            delivery.Property(d => d.LastError).HasMaxLength(WebhookDelivery.MaxErrorLength);
            delivery.Ignore(d => d.WebhookId);
            delivery.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasMany(d => d.AttemptLog).WithOne().HasForeignKey(a => a.DeliveryId).HasPrincipalKey(d => d.Id).OnDelete(DeleteBehavior.Cascade);

            // One delivery per event per endpoint, whichever replica's consumer records it.
            delivery.HasIndex(d => new { d.EndpointId, d.EventId }).IsUnique();

            // The dispatcher's claim: due pending rows first.
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });

            // The per-order ordering check: is an older delivery of this order to this endpoint still pending?
            delivery.HasIndex(d => new { d.EndpointId, d.OrderId, d.OrderVersion });

            // The delivery log, newest first.
            delivery.HasIndex(d => new { d.EndpointId, d.Sequence }).IsDescending(false, true);
        });

        modelBuilder.Entity<OrderEventMark>(mark =>
        {
            mark.ToTable("order_event_marks");
            mark.HasKey(m => new { m.OrderId, m.Version });
            mark.HasIndex(m => m.RecordedAtUnixMs);
        });

        modelBuilder.Entity<WebhookAttempt>(attempt =>
        {
            attempt.ToTable("webhook_attempts");
            attempt.HasKey(a => a.Id);
            attempt.Property(a => a.Error).HasMaxLength(WebhookDelivery.MaxErrorLength);
            attempt.HasIndex(a => a.DeliveryId);
        });

        modelBuilder.Entity<OutgoingMail>(mail =>
        {
            mail.ToTable("outgoing_mails");
            mail.HasKey(m => m.Sequence);
            mail.HasAlternateKey(m => m.Id);
            mail.Property(m => m.DedupeKey).HasMaxLength(OutgoingMail.MaxDedupeKeyLength);
            mail.Property(m => m.Kind).HasMaxLength(40);
            mail.Property(m => m.Language).HasMaxLength(8);
            mail.Property(m => m.Recipient).HasMaxLength(254);
            mail.Property(m => m.Subject).HasMaxLength(OutgoingMail.MaxSubjectLength);
            mail.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            mail.Property(m => m.LastError).HasMaxLength(OutgoingMail.MaxErrorLength);

            // One mail per event and recipient, whichever replica's consumer queues it, however often the event comes.
            mail.HasIndex(m => m.DedupeKey).IsUnique();

            // The dispatcher's claim: due pending mails first.
            mail.HasIndex(m => new { m.Status, m.NextAttemptAt });
        });
    }
}
