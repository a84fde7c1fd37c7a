using Marketplace.Notifications.Email.Templates;
using Marketplace.Notifications.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Email;

/// <summary>Queues a rendered mail once per dedupe key: the unique index, not a lookup, decides whether it is new.</summary>
internal sealed class MailQueue(NotificationsDbContext db, TimeProvider clock)
{
    /// <returns>False when a mail under this key was queued before (a redelivered event).</returns>
    public async Task<bool> EnqueueAsync(string dedupeKey, string kind, string language, string recipient, RenderedMail mail, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var key = $"{dedupeKey}|{recipient.Trim().ToUpperInvariant()}";
        db.Mails.Add(new OutgoingMail
        {
            Id = Guid.CreateVersion7(now),
            DedupeKey = key.Length > OutgoingMail.MaxDedupeKeyLength ? key[..OutgoingMail.MaxDedupeKeyLength] : key,
            Kind = kind,
            Language = language,
            Recipient = recipient.Trim(),
            Subject = mail.Subject.Length > OutgoingMail.MaxSubjectLength ? mail.Subject[..(OutgoingMail.MaxSubjectLength - 1)] + "…" : mail.Subject,
            HtmlBody = mail.Html,
            TextBody = mail.Text,
            NextAttemptAt = now,
            CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
