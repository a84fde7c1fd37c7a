using Marketplace.Identity.Contracts;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Accounts;

internal sealed class AccountDirectory(IdentityDbContext db) : IAccountDirectory
{
    public Task<string?> EmailOfAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Id == accountId).Select(u => (string?)u.Email).FirstOrDefaultAsync(cancellationToken);

    public async Task<SellerContact?> SellerAsync(Guid sellerId, CancellationToken cancellationToken)
    {
        var name = await db.Sellers.AsNoTracking().Where(s => s.Id == sellerId).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken);
        if (name is null)
        {
            return null;
        }

        // The earliest owner is the one who registered the seller; a seller may have more, and each of them could act.
        var owner = await db.SellerMembers.AsNoTracking()
            .Where(m => m.SellerId == sellerId && m.Role == SellerMember.Owner)
            .OrderBy(m => m.JoinedAt)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email)
            .FirstOrDefaultAsync(cancellationToken);
        return new SellerContact(sellerId, name, owner);
    }
}
