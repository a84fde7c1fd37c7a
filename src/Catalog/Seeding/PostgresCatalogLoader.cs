using System.Diagnostics;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Npgsql;

namespace Marketplace.Catalog.Seeding;

/// <summary>
/// Streams a demo catalog into PostgreSQL with binary COPY.
/// </summary>
/// <remarks>
/// The seed only loads into an empty catalog. Before loading, the secondary indexes, unique and primary keys and
/// foreign keys of the large tables (products, SKUs, offers, reviews, links) are dropped, and afterwards rebuilt
/// from the definitions read from the catalog itself (so indexes added by other features come back too): building a
/// B-tree once over sorted data is several times cheaper than maintaining it row by row, and validating a foreign
/// key once is a single join. The five large tables load concurrently, one COPY per connection, each in its own
/// transaction, while one thread generates rows; if anything fails, the transactions roll back, and the dropped
/// definitions are restored on the empty tables. ANALYZE runs at the end so the planner sees the real sizes.
/// The seed writes no outbox events: it is a bulk load of a new catalog, and the listing summary that those
/// events would maintain is computed by the generator directly.
/// </remarks>
internal sealed class PostgresCatalogLoader(CatalogDbContext db, string connectionString) : ICatalogLoader
{
    private const int ProgressEveryProducts = 2_000;

    private readonly CatalogTable<Category> _categories = new(db);
    private readonly CatalogTable<AttributeDefinition> _attributes = new(db);
    private readonly CatalogTable<Brand> _brands = new(db);
    private readonly CatalogTable<SellerProfile> _sellers = new(db);
    private readonly CatalogTable<Product> _products = new(db);
    private readonly CatalogTable<Sku> _skus = new(db);
    private readonly CatalogTable<Offer> _offers = new(db);
    private readonly CatalogTable<Review> _reviews = new(db);
    private readonly CatalogTable<ProductLink> _links = new(db);

    private string Schema => _products.Schema ?? CatalogDbContext.Schema;

    private string[] BulkTables => [_products.Name, _skus.Name, _offers.Name, _reviews.Name, _links.Name];

    public async Task<SeedResult> LoadAsync(DemoCatalog catalog, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var admin = await OpenAsync(cancellationToken);
        await EnsureEmptyAsync(admin, cancellationToken);
        var definitions = await ReadDefinitionsAsync(admin, cancellationToken);
        await DropAsync(admin, definitions, cancellationToken);

        (long Products, long Skus, long Offers, long Reviews, long Links) counts;
        try
        {
            counts = await Task.Factory.StartNew(
                () => Copy(catalog, progress, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();
        }
        catch
        {
            await RestoreAfterFailureAsync(definitions);
            throw;
        }

        var loadTime = clock.Elapsed;
        var rows = catalog.Categories.Count + catalog.Brands.Count + catalog.Sellers.Count + counts.Products + counts.Skus + counts.Offers + counts.Reviews + counts.Links;
        progress?.Report(new SeedProgress("indexing", catalog.SkuCount, catalog.SkuCount, rows));
        try
        {
            await RecreateAsync(definitions, cancellationToken);
            await ExecuteAsync(admin, Search.SearchWords.RebuildSql, cancellationToken);
        }
        catch
        {
            await RestoreAfterFailureAsync(definitions);
            throw;
        }

        progress?.Report(new SeedProgress("analysing", catalog.SkuCount, catalog.SkuCount, rows));
        await ExecuteAsync(admin, $"ANALYZE {string.Join(", ", new[] { _categories.QualifiedName, _attributes.QualifiedName, _brands.QualifiedName, _sellers.QualifiedName, _products.QualifiedName, _skus.QualifiedName, _offers.QualifiedName, _reviews.QualifiedName, _links.QualifiedName })}", cancellationToken);

        return new SeedResult(
            catalog.Categories.Count, catalog.Brands.Count, catalog.Sellers.Count,
            counts.Products, counts.Skus, counts.Offers, counts.Reviews, counts.Links,
            loadTime, clock.Elapsed - loadTime, clock.Elapsed);
    }

    private async Task<(long, long, long, long, long)> Copy(DemoCatalog catalog, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var connections = new NpgsqlConnection[5];
        var transactions = new NpgsqlTransaction[5];
        var importers = new List<NpgsqlBinaryImporter>(5);
        try
        {
            for (var i = 0; i < connections.Length; i++)
            {
                connections[i] = await OpenAsync(cancellationToken);
                transactions[i] = await connections[i].BeginTransactionAsync(cancellationToken);
                // A crash before commit loses nothing that matters (the tables were empty); skip the WAL flush wait.
                await ExecuteAsync(connections[i], "SET LOCAL synchronous_commit = off", cancellationToken);
            }

            // The typo dictionary is rebuilt once after the load rather than row by row.
            await ExecuteAsync(connections[0], $"SET LOCAL {Search.SearchWords.BulkLoadSetting} = 'on'", cancellationToken);

            CopyAll(connections[0], _categories, catalog.Categories);
            CopyAll(connections[0], _attributes, catalog.AttributeDefinitions);
            CopyAll(connections[0], _brands, catalog.Brands);
            await CopySellersAsync(connections[0], catalog.Sellers, cancellationToken);

            var products = connections[0].BeginBinaryImport(_products.CopyCommand);
            importers.Add(products);
            var skus = connections[1].BeginBinaryImport(_skus.CopyCommand);
            importers.Add(skus);
            var offers = connections[2].BeginBinaryImport(_offers.CopyCommand);
            importers.Add(offers);
            var reviews = connections[3].BeginBinaryImport(_reviews.CopyCommand);
            importers.Add(reviews);
            var links = connections[4].BeginBinaryImport(_links.CopyCommand);
            importers.Add(links);

            long productCount = 0, skuCount = 0, offerCount = 0, reviewCount = 0, linkCount = 0;
            var referenceRows = catalog.Categories.Count + catalog.Brands.Count + catalog.Sellers.Count;
            foreach (var item in catalog.Products())
            {
                _products.Write(products, item.Product);
                productCount++;
                foreach (var sku in item.Product.Skus)
                {
                    _skus.Write(skus, sku);
                    skuCount++;
                }

                foreach (var offer in item.Offers)
                {
                    _offers.Write(offers, offer);
                }

                foreach (var review in item.Reviews)
                {
                    _reviews.Write(reviews, review);
                }

                foreach (var link in item.Links)
                {
                    _links.Write(links, link);
                }

                offerCount += item.Offers.Count;
                reviewCount += item.Reviews.Count;
                linkCount += item.Links.Count;
                if (productCount % ProgressEveryProducts == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(new SeedProgress("loading", skuCount, catalog.SkuCount, referenceRows + productCount + skuCount + offerCount + reviewCount + linkCount));
                }
            }

            foreach (var importer in importers)
            {
                importer.Complete();
                importer.Dispose();
            }

            importers.Clear();
            foreach (var transaction in transactions)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            progress?.Report(new SeedProgress("loading", skuCount, catalog.SkuCount, referenceRows + productCount + skuCount + offerCount + reviewCount + linkCount));
            return (productCount, skuCount, offerCount, reviewCount, linkCount);
        }
        finally
        {
            // Disposing an importer that was not completed cancels its COPY; disposing the connection rolls back.
            foreach (var importer in importers)
            {
                await importer.DisposeAsync();
            }

            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        }
    }

    private static void CopyAll<T>(NpgsqlConnection connection, CatalogTable<T> table, IEnumerable<T> rows)
        where T : class
    {
        using var importer = connection.BeginBinaryImport(table.CopyCommand);
        foreach (var row in rows)
        {
            table.Write(importer, row);
        }

        importer.Complete();
    }

    /// <summary>
    /// Sellers may already be known from Identity's SellerRegistered events (same ids, from <c>DemoIds</c>), so they go
    /// through a staging table and keep what is there.
    /// </summary>
    private async Task CopySellersAsync(NpgsqlConnection connection, IEnumerable<SellerProfile> sellers, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, $"CREATE TEMP TABLE seed_sellers (LIKE {_sellers.QualifiedName}) ON COMMIT DROP", cancellationToken);
        using (var importer = connection.BeginBinaryImport($"COPY seed_sellers ({_sellers.ColumnList}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var seller in sellers)
            {
                _sellers.Write(importer, seller);
            }

            importer.Complete();
        }

        await ExecuteAsync(connection, $"INSERT INTO {_sellers.QualifiedName} ({_sellers.ColumnList}) SELECT {_sellers.ColumnList} FROM seed_sellers ON CONFLICT DO NOTHING", cancellationToken);
    }

    private async Task EnsureEmptyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT EXISTS (SELECT 1 FROM {_products.QualifiedName}) OR EXISTS (SELECT 1 FROM {_categories.QualifiedName}) OR EXISTS (SELECT 1 FROM {_brands.QualifiedName})",
            connection);
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            throw new CatalogNotEmptyException();
        }
    }

    /// <summary>A constraint or index of the bulk tables, with the SQL that creates it again.</summary>
    private sealed record Definition(string Table, string Name, char Kind, string CreateSql);

    private async Task<List<Definition>> ReadDefinitionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var definitions = new List<Definition>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_class r ON r.oid = c.confrelid
            WHERE n.nspname = $1 AND c.contype IN ('p', 'u', 'f')
              AND (t.relname = ANY($2) OR (c.contype = 'f' AND r.relname = ANY($2)))
            """,
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Schema });
            command.Parameters.Add(new NpgsqlParameter { Value = BulkTables });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = reader.GetString(0);
                var name = reader.GetString(1);
                definitions.Add(new Definition(table, name, reader.GetChar(2), $"ALTER TABLE {Qualify(table)} ADD CONSTRAINT \"{name}\" {reader.GetString(3)}"));
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = $1 AND t.relname = ANY($2)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
            """,
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Schema });
            command.Parameters.Add(new NpgsqlParameter { Value = BulkTables });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                definitions.Add(new Definition(reader.GetString(0), reader.GetString(1), 'i', reader.GetString(2)));
            }
        }

        return definitions;
    }

    private async Task DropAsync(NpgsqlConnection connection, List<Definition> definitions, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var definition in definitions.OrderBy(d => d.Kind == 'f' ? 0 : d.Kind == 'i' ? 1 : 2))
        {
            var sql = definition.Kind == 'i'
                ? $"DROP INDEX {Qualify(definition.Name)}"
                : $"ALTER TABLE {Qualify(definition.Table)} DROP CONSTRAINT \"{definition.Name}\"";
            await ExecuteAsync(connection, sql, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Keys and indexes first, two at a time (this is what the machine's cores are for), then foreign keys.</summary>
    private async Task RecreateAsync(List<Definition> definitions, CancellationToken cancellationToken)
    {
        // Largest tables first, so the two builders finish at about the same time.
        var order = new[] { _offers.Name, _reviews.Name, _skus.Name, _products.Name, _links.Name };
        var queue = new Queue<Definition>(definitions.Where(d => d.Kind != 'f').OrderBy(d => Array.IndexOf(order, d.Table)).ThenBy(d => d.Kind == 'p' ? 0 : 1));
        var workers = Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "SET maintenance_work_mem = '512MB'", cancellationToken);
            while (true)
            {
                Definition? next;
                lock (queue)
                {
                    if (!queue.TryDequeue(out next))
                    {
                        return;
                    }
                }

                await ExecuteAsync(connection, next.CreateSql, cancellationToken);
            }
        });
        await Task.WhenAll(workers);

        await using var admin = await OpenAsync(cancellationToken);
        foreach (var foreignKey in definitions.Where(d => d.Kind == 'f'))
        {
            await ExecuteAsync(admin, foreignKey.CreateSql, cancellationToken);
        }
    }

    /// <summary>After a failed seed: empty the bulk tables and put back whatever definition is missing.</summary>
    private async Task RestoreAfterFailureAsync(List<Definition> definitions)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await ExecuteAsync(connection, $"TRUNCATE {string.Join(", ", BulkTables.Select(Qualify))}", CancellationToken.None);
        foreach (var definition in definitions.OrderBy(d => d.Kind == 'f' ? 1 : 0))
        {
            await using var exists = new NpgsqlCommand(
                "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2) OR EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.conname = $2)",
                connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = Schema });
            exists.Parameters.Add(new NpgsqlParameter { Value = definition.Name });
            if (!(bool)(await exists.ExecuteScalarAsync())!)
            {
                await ExecuteAsync(connection, definition.CreateSql, CancellationToken.None);
            }
        }
    }

    private string Qualify(string name) => $"\"{Schema}\".\"{name}\"";

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        // No command timeout: an index build over millions of rows takes longer than the default 30 s.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0, Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
