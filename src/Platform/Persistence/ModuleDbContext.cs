using System.Data.Common;
using Marketplace.Platform.Messaging;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Marketplace.Platform.Persistence;

/// <summary>
/// The base of every module's DbContext: its own schema, plus the outbox and inbox tables that make
/// its integration events durable and its consumers idempotent.
/// </summary>
public abstract class ModuleDbContext(DbContextOptions options, string schema) : DbContext(options)
{
    public string Schema { get; } = schema;

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>
    /// Runs one raw statement on this context's connection, in its transaction if one is open, and hands the reader to
    /// <paramref name="read"/>: for hot paths that read rows straight into their answer. The connection is opened for the
    /// statement and closed after it, unless it was open already.
    /// </summary>
    public async Task<T> ReadRawAsync<T>(string sql, DbParameter[] parameters, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken)
    {
        await Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await read(reader);
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }
    }

    /// <summary>Queues an integration event; it is written in the same transaction as the change it describes.</summary>
    public void Publish<TEvent>(TEvent integrationEvent, TimeProvider clock)
        where TEvent : class =>
        OutboxMessages.Add(OutboxMessage.From(integrationEvent, clock.GetUtcNow()));

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // SQLite has no schemas; each module there has its own file instead.
        if (IsPostgres)
        {
            modelBuilder.HasDefaultSchema(Schema);
        }

        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(m => m.Sequence);
            outbox.HasIndex(m => m.Id).IsUnique();
            outbox.Property(m => m.Type).HasMaxLength(300);
            outbox.Property(m => m.TraceParent).HasMaxLength(OutboxMessage.TraceParentLength);
            outbox.Property(m => m.TraceState).HasMaxLength(OutboxMessage.TraceStateMaxLength);
            outbox.HasIndex(m => m.PublishedAt);

            // The relay's claim reads the oldest unpublished rows; without this it walks every published row kept for
            // diagnosis first (tens of milliseconds per claim once a few days of events are kept).
            outbox.HasIndex(m => m.Sequence).HasFilter("published_at IS NULL").HasDatabaseName("ix_outbox_messages_unpublished");
        });
        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(m => new { m.MessageId, m.Consumer });
            inbox.Property(m => m.Consumer).HasMaxLength(200);
        });
    }

    /// <summary>Set while a save carries new outbox rows, so the relay can be woken once it commits.</summary>
    internal bool HasPendingOutbox { get; set; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (!IsPostgres)
        {
            // SQLite can neither order nor compare decimal (TEXT) or DateTimeOffset columns; store them as
            // REAL and as sortable integers. Prices keep their cents: doubles hold 15 significant digits.
            configurationBuilder.Properties<decimal>().HaveConversion<double>();
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
        }
    }

    /// <summary>True when the failure was a unique or primary key violation, on either engine.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 1555 or 2067,
        _ => false,
    };
}
