using System.Diagnostics;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.Data.Sqlite;

namespace Marketplace.Catalog.Seeding;

/// <summary>
/// Writes a demo catalog into the embedded SQLite file with prepared INSERTs, one transaction per batch of products.
/// Indexes stay in place: the embedded catalog is small (a few thousand SKUs), and SQLite has no cheaper path.
/// Like the PostgreSQL loader it writes no outbox events; the listing summary comes computed from the generator.
/// </summary>
internal sealed class SqliteCatalogLoader(CatalogDbContext db, string connectionString) : ICatalogLoader
{
    private const int ProductsPerTransaction = 1_000;

    private readonly CatalogTable<Category> _categories = new(db);
    private readonly CatalogTable<AttributeDefinition> _attributes = new(db);
    private readonly CatalogTable<Brand> _brands = new(db);
    private readonly CatalogTable<SellerProfile> _sellers = new(db);
    private readonly CatalogTable<Product> _products = new(db);
    private readonly CatalogTable<Sku> _skus = new(db);
    private readonly CatalogTable<Offer> _offers = new(db);
    private readonly CatalogTable<Review> _reviews = new(db);
    private readonly CatalogTable<ProductLink> _links = new(db);

    public async Task<SeedResult> LoadAsync(DemoCatalog catalog, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await EnsureEmptyAsync(connection, cancellationToken);

        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var categoryRows = new Table<Category>(_categories, connection, transaction);
        using var attributeRows = new Table<AttributeDefinition>(_attributes, connection, transaction);
        using var brandRows = new Table<Brand>(_brands, connection, transaction);
        // Sellers may already be known from Identity's SellerRegistered events, with the same DemoIds; keep those.
        using var sellerRows = new Table<SellerProfile>(_sellers, connection, transaction, orIgnore: true);
        using var productRows = new Table<Product>(_products, connection, transaction);
        using var skuRows = new Table<Sku>(_skus, connection, transaction);
        using var offerRows = new Table<Offer>(_offers, connection, transaction);
        using var reviewRows = new Table<Review>(_reviews, connection, transaction);
        using var linkRows = new Table<ProductLink>(_links, connection, transaction);
        try
        {
            categoryRows.InsertAll(catalog.Categories);
            attributeRows.InsertAll(catalog.AttributeDefinitions);
            brandRows.InsertAll(catalog.Brands);
            sellerRows.InsertAll(catalog.Sellers);

            long products = 0, skus = 0, offers = 0, reviews = 0, links = 0;
            var referenceRows = catalog.Categories.Count + catalog.Brands.Count + catalog.Sellers.Count;
            foreach (var item in catalog.Products())
            {
                productRows.Insert(item.Product);
                skuRows.InsertAll(item.Product.Skus);
                offerRows.InsertAll(item.Offers);
                reviewRows.InsertAll(item.Reviews);
                linkRows.InsertAll(item.Links);
                products++;
                skus += item.Product.Skus.Count;
                offers += item.Offers.Count;
                reviews += item.Reviews.Count;
                links += item.Links.Count;
                if (products % ProductsPerTransaction == 0)
                {
                    await transaction.CommitAsync(cancellationToken);
                    await transaction.DisposeAsync();
                    transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
                    productRows.Enlist(transaction);
                    skuRows.Enlist(transaction);
                    offerRows.Enlist(transaction);
                    reviewRows.Enlist(transaction);
                    linkRows.Enlist(transaction);

                    progress?.Report(new SeedProgress("loading", skus, catalog.SkuCount, referenceRows + products + skus + offers + reviews + links));
                }
            }

            await transaction.CommitAsync(cancellationToken);
            var rows = referenceRows + products + skus + offers + reviews + links;
            progress?.Report(new SeedProgress("loading", skus, catalog.SkuCount, rows));
            var loadTime = clock.Elapsed;
            progress?.Report(new SeedProgress("analysing", skus, catalog.SkuCount, rows));
            await using (var analyze = new SqliteCommand("ANALYZE", connection))
            {
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }

            return new SeedResult(
                catalog.Categories.Count, catalog.Brands.Count, catalog.Sellers.Count,
                products, skus, offers, reviews, links, loadTime, clock.Elapsed - loadTime, clock.Elapsed);
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }

    private async Task EnsureEmptyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new SqliteCommand(
            $"SELECT EXISTS (SELECT 1 FROM {_products.QualifiedName}) OR EXISTS (SELECT 1 FROM {_categories.QualifiedName}) OR EXISTS (SELECT 1 FROM {_brands.QualifiedName})",
            connection);
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0)
        {
            throw new CatalogNotEmptyException();
        }
    }

    /// <summary>One prepared INSERT, its parameters bound anew per row.</summary>
    private sealed class Table<T> : IDisposable
        where T : class
    {
        private readonly CatalogTable<T> _source;
        private readonly SqliteCommand _insert;

        public Table(CatalogTable<T> source, SqliteConnection connection, SqliteTransaction transaction, bool orIgnore = false)
        {
            _source = source;
            var parameters = string.Join(", ", source.Columns.Select((_, i) => $"$p{i}"));
            _insert = new SqliteCommand($"INSERT {(orIgnore ? "OR IGNORE " : "")}INTO {source.QualifiedName} ({source.ColumnList}) VALUES ({parameters})", connection, transaction);
            for (var i = 0; i < source.Columns.Count; i++)
            {
                _insert.Parameters.Add(new SqliteParameter($"$p{i}", null));
            }

            _insert.Prepare();
        }

        public void Enlist(SqliteTransaction transaction) => _insert.Transaction = transaction;

        public void Insert(T row)
        {
            for (var i = 0; i < _source.Columns.Count; i++)
            {
                _insert.Parameters[i].Value = _source.ProviderValue(i, row) ?? DBNull.Value;
            }

            _insert.ExecuteNonQuery();
        }

        public void InsertAll(IEnumerable<T> rows)
        {
            foreach (var row in rows)
            {
                Insert(row);
            }
        }

        public void Dispose() => _insert.Dispose();
    }
}
