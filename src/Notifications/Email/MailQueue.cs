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
        Add(new QueuedMail(dedupeKey, kind, language, recipient, mail));
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

    /// <summary>
    /// Queues several mails in one save. Should one of them have been queued before (a redelivered event), the save
    /// fails as a whole on its key, and each mail is queued on its own instead, so the others still go.
    /// </summary>
    public async Task EnqueueAllAsync(IReadOnlyList<QueuedMail> mails, CancellationToken cancellationToken)
    {
        if (mails.Count == 0)
        {
            return;
        }

        foreach (var mail in mails)
        {
            Add(mail);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            foreach (var mail in mails)
            {
                await EnqueueAsync(mail.DedupeKey, mail.Kind, mail.Language, mail.Recipient, mail.Mail, cancellationToken);
            }
        }
    }

    private void Add(QueuedMail queued)
    {
        var (dedupeKey, kind, language, recipient, mail) = queued;
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
    }
}

/// <summary>A rendered mail to queue, under the key that makes it once per occurrence and recipient.</summary>
internal sealed record QueuedMail(string DedupeKey, string Kind, string Language, string Recipient, RenderedMail Mail);
