using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Categories;

/// <summary>What a listing needs of its category: the subtree it covers, whether it is a leaf, and the attributes counted as facets.</summary>
internal sealed record CategoryFacts(Guid Id, string Path, bool IsLeaf, IReadOnlyList<FilterableAttribute> FacetAttributes);

/// <summary>
/// The category tree in memory, so that a browse costs no round trips for its category. Categories are few and change
/// rarely (an admin adds one), so the whole tree is read at once and read again after <see cref="CatalogOptions.CategoryDirectoryTtl"/>,
/// or at once on this replica when it creates a category. A category the snapshot does not know (created on another
/// replica since, or none at all) is read from the database on its own, and not kept: the next snapshot brings it.
/// </summary>
internal sealed class CategoryDirectory(IOptions<CatalogOptions> options, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _invalidations;

    public async Task<CategoryFacts?> FindAsync(Guid id, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(db, cancellationToken);
        if (snapshot.Categories.TryGetValue(id, out var facts))
        {
            return facts;
        }

        var category = await db.Categories.AsNoTracking().Include(c => c.Attributes).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null)
        {
            return null;
        }

        var isLeaf = !await db.Categories.AnyAsync(c => c.ParentId == id, cancellationToken);
        return Facts(category, isLeaf);
    }

    /// <summary>Drops the snapshot, so the next browse reads the tree again (after this replica changed it).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _invalidations);
        _snapshot = null;
    }

    public void Dispose() => _loading.Dispose();

    private async Task<Snapshot> CurrentAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = clock.GetUtcNow();
        if (snapshot is not null && now - snapshot.ReadAt < options.Value.CategoryDirectoryTtl)
        {
            return snapshot;
        }

        // One reader at a time; the others keep the old snapshot meanwhile (or wait for the first one).
        if (snapshot is not null && !await _loading.WaitAsync(0, cancellationToken))
        {
            return snapshot;
        }

        if (snapshot is null)
        {
            await _loading.WaitAsync(cancellationToken);
        }

        try
        {
            if (_snapshot is { } current && clock.GetUtcNow() - current.ReadAt < options.Value.CategoryDirectoryTtl)
            {
                return current;
            }

            var invalidations = Interlocked.Read(ref _invalidations);
            var categories = await db.Categories.AsNoTracking().Include(c => c.Attributes).ToListAsync(cancellationToken);
            var parents = categories.Where(c => c.ParentId is not null).Select(c => c.ParentId!.Value).ToHashSet();
            var read = new Snapshot(categories.ToDictionary(c => c.Id, c => Facts(c, !parents.Contains(c.Id))), now);
            // A category created while this read ran may be missing from it: use it for this browse, but do not keep it.
            if (Interlocked.Read(ref _invalidations) == invalidations)
            {
                _snapshot = read;
            }

            return read;
        }
        finally
        {
            _loading.Release();
        }
    }

    private static CategoryFacts Facts(Domain.Category category, bool isLeaf) => new(
        category.Id,
        category.Path,
        isLeaf,
        category.Attributes.Where(a => a.Filterable).OrderBy(a => a.Code, StringComparer.Ordinal)
            .Select(a => new FilterableAttribute(a.Code, a.Name, a.Type == Domain.AttributeType.Number))
            .ToList());

    private sealed record Snapshot(Dictionary<Guid, CategoryFacts> Categories, DateTimeOffset ReadAt);
}
