using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Platform.Messaging;

public static class Inbox
{
    /// <summary>
    /// Applies a message at most once for the named consumer: the inbox row and the consumer's changes
    /// commit together, and the inbox's primary key (not a prior lookup) rejects a redelivery.
    /// </summary>
    /// <returns>False when this consumer had already applied the message.</returns>
    public static async Task<bool> ApplyOnceAsync(
        this ModuleDbContext db, Guid? messageId, string consumer, TimeProvider clock, Func<CancellationToken, Task> apply, CancellationToken cancellationToken)
    {
        var id = messageId ?? throw new InvalidOperationException("A consumed message without a MessageId cannot be de-duplicated.");
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.InboxMessages.Add(new InboxMessage { MessageId = id, Consumer = consumer, ProcessedAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return false;
            }

            await apply(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }
}
