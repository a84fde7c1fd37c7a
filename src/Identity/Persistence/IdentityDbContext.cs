using Marketplace.Identity.Accounts;
using Marketplace.Identity.ApiKeys;
using Marketplace.Identity.Sellers;
using Marketplace.Identity.Sellers.Invitations;
using Marketplace.Identity.Sellers.Standing;
using Marketplace.Identity.Tokens;
using Marketplace.Identity.Tokens.SignInProtection;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Persistence;

internal sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : ModuleDbContext(options, "identity")
{
    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<StaffRole> StaffRoles => Set<StaffRole>();

    public DbSet<Seller> Sellers => Set<Seller>();

    public DbSet<SellerMember> SellerMembers => Set<SellerMember>();

    public DbSet<SignInSession> Sessions => Set<SignInSession>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<SellerInvitation> SellerInvitations => Set<SellerInvitation>();

    public DbSet<SignInLockout> SignInLockouts => Set<SignInLockout>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<UserAccount>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Property(u => u.Email).HasMaxLength(254);
            user.Property(u => u.NormalizedEmail).HasMaxLength(254);
            user.HasIndex(u => u.NormalizedEmail).IsUnique();
            user.Property(u => u.PasswordHash).HasMaxLength(200);
            user.HasMany(u => u.StaffRoles).WithOne().HasForeignKey(r => r.UserId);
        });
        modelBuilder.Entity<StaffRole>(role =>
        {
            role.ToTable("staff_roles");
            role.HasKey(r => new { r.UserId, r.Role });
            role.Property(r => r.Role).HasMaxLength(40);
        });
        modelBuilder.Entity<Seller>(seller =>
        {
            seller.ToTable("sellers");
            seller.HasKey(s => s.Id);
            seller.Property(s => s.Name).HasMaxLength(200);
            seller.Property(s => s.LegalName).HasMaxLength(200);
            seller.Property(s => s.CountryCode).HasMaxLength(2);
            seller.Property(s => s.SuspensionReason).HasMaxLength(SellerStanding.MaxReasonLength);
            seller.HasMany(s => s.Members).WithOne().HasForeignKey(m => m.SellerId);
        });
        modelBuilder.Entity<SellerMember>(member =>
        {
            member.ToTable("seller_members");
            member.HasKey(m => new { m.SellerId, m.UserId });
            member.HasIndex(m => m.UserId);
            member.Property(m => m.Role).HasMaxLength(20);
            member.HasOne<UserAccount>().WithMany().HasForeignKey(m => m.UserId);
        });
        modelBuilder.Entity<SignInSession>(session =>
        {
            session.ToTable("sign_in_sessions");
            session.HasKey(s => s.Id);
            session.HasIndex(s => s.UserId);
            session.Property(s => s.RevokedBecause).HasMaxLength(100);
            session.HasOne<UserAccount>().WithMany().HasForeignKey(s => s.UserId);
        });
        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.TokenHash).HasMaxLength(32);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.SessionId);
            token.HasIndex(t => t.ParentId);
            token.HasOne<SignInSession>().WithMany().HasForeignKey(t => t.SessionId);
        });
        modelBuilder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.DisplayPrefix).HasMaxLength(60);
            key.Property(k => k.SecretHash).HasMaxLength(32);
            key.HasIndex(k => k.SellerId);
            key.HasOne<Seller>().WithMany().HasForeignKey(k => k.SellerId);
        });
        modelBuilder.Entity<SellerInvitation>(invitation =>
        {
            invitation.ToTable("seller_invitations");
            invitation.HasKey(i => i.Id);
            invitation.Property(i => i.Email).HasMaxLength(254);
            invitation.Property(i => i.NormalizedEmail).HasMaxLength(254);
            invitation.Property(i => i.Outcome).HasMaxLength(20);
            invitation.HasIndex(i => new { i.SellerId, i.CreatedAt });
            invitation.HasIndex(i => i.NormalizedEmail);
            invitation.HasOne<Seller>().WithMany().HasForeignKey(i => i.SellerId);
        });
        modelBuilder.Entity<SignInLockout>(lockout =>
        {
            lockout.ToTable("sign_in_lockouts");
            lockout.HasKey(l => l.KeyHash);
            lockout.Property(l => l.KeyHash).HasMaxLength(32);
        });
    }
}
