using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Config.Persistence;

/// <summary>One applied change of a rule section: who, when, and the documents before and after.</summary>
internal sealed class RuleChange
{
    public long Id { get; private set; }

    public required string Section { get; init; }

    public required string Source { get; init; }

    public required string VersionBefore { get; init; }

    public string VersionAfter { get; set; } = "";

    public string? DocumentBefore { get; set; }

    public required string DocumentAfter { get; init; }

    public Guid? ChangedBy { get; init; }

    public string? ChangedByName { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }
}

internal sealed class ConfigDbContext(DbContextOptions<ConfigDbContext> options) : ModuleDbContext(options, "config")
{
    public DbSet<RuleChange> RuleChanges => Set<RuleChange>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<RuleChange>(change =>
        {
            change.ToTable("rule_changes");
            change.HasKey(c => c.Id);
            change.Property(c => c.Section).HasMaxLength(64);
            change.Property(c => c.Source).HasMaxLength(300);
            change.Property(c => c.VersionBefore).HasMaxLength(64);
            change.Property(c => c.VersionAfter).HasMaxLength(64);
            change.Property(c => c.ChangedByName).HasMaxLength(254);
            change.HasIndex(c => new { c.Section, c.Id });
        });
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ConfigDbContext>
{
    public ConfigDbContext CreateDbContext(string[] args) => new(DatabaseProfile.DesignTimeOptions<ConfigDbContext>(ConfigModule.Module));
}
