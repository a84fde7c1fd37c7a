using FluentValidation;
using Marketplace.Identity.Contracts;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers.Standing;

/// <summary>Why the seller is suspended; its members see it.</summary>
internal sealed record SuspendSellerRequest(string Reason);

/// <summary>A seller's standing after an admin's change.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="Suspended">Whether the seller is suspended: its members and API keys cannot act for it.</param>
/// <param name="SuspendedAt">When the current suspension began; null when not suspended.</param>
/// <param name="Reason">Why, as the admin wrote it; null when not suspended.</param>
internal sealed record SellerStandingResponse(Guid SellerId, bool Suspended, DateTimeOffset? SuspendedAt, string? Reason);

internal sealed class SuspendSellerValidator : AbstractValidator<SuspendSellerRequest>
{
    public SuspendSellerValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(SellerStanding.MaxReasonLength);
}

/// <summary>
/// An admin suspends or reinstates a seller. Both are idempotent: suspending a suspended seller keeps the first
/// suspension's time and reason, and the event is published only when the standing really changes.
/// </summary>
internal static class SuspendSeller
{
    public static async Task<Results<Ok<SellerStandingResponse>, NotFound>> Suspend(
        Guid sellerId, SuspendSellerRequest request, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reason = request.Reason.Trim();

        // A conditional update decides, so two admins suspending at once publish one event; the event commits with it.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Sellers
            .Where(s => s.Id == sellerId && s.SuspendedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SuspendedAt, now).SetProperty(x => x.SuspensionReason, reason), cancellationToken);
        if (changed == 1)
        {
            db.Publish(new SellerSuspended(sellerId, reason, now), clock);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        return await StandingAsync(db, sellerId, cancellationToken);
    }

    public static async Task<Results<Ok<SellerStandingResponse>, NotFound>> Reinstate(
        Guid sellerId, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Sellers
            .Where(s => s.Id == sellerId && s.SuspendedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SuspendedAt, (DateTimeOffset?)null).SetProperty(x => x.SuspensionReason, (string?)null), cancellationToken);
        if (changed == 1)
        {
            db.Publish(new SellerReinstated(sellerId, now), clock);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        return await StandingAsync(db, sellerId, cancellationToken);
    }

    private static async Task<Results<Ok<SellerStandingResponse>, NotFound>> StandingAsync(IdentityDbContext db, Guid sellerId, CancellationToken cancellationToken)
    {
        var standing = await db.Sellers.AsNoTracking()
            .Where(s => s.Id == sellerId)
            .Select(s => new SellerStandingResponse(s.Id, s.SuspendedAt != null, s.SuspendedAt, s.SuspensionReason))
            .SingleOrDefaultAsync(cancellationToken);
        return standing is null ? TypedResults.NotFound() : TypedResults.Ok(standing);
    }
}
