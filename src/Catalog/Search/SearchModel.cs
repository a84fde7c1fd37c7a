using Marketplace.Catalog.Domain;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;

namespace Marketplace.Catalog.Search;

/// <summary>
/// The columns and indexes that browse and search read. Every listing query filters on
/// <c>min_price IS NOT NULL</c> (a product nobody offers is not listed), so the sort indexes are partial
/// on it: each sort order is one backward or forward index walk from the keyset position.
/// </summary>
internal static class SearchModel
{
    public const string SearchVectorColumn = "search_vector";

    public static void ConfigureProductSearch(this ModelBuilder modelBuilder, bool isPostgres)
    {
        const string Listed = "min_price IS NOT NULL";
        modelBuilder.Entity<Product>(product =>
        {
            // Whole-catalog sorts: one index per order, each ending in id for the keyset tie-break.
            product.HasIndex(p => new { p.Popularity, p.Id }, "ix_products_popularity").IsDescending(true, true).HasFilter(Listed);
            product.HasIndex(p => new { p.MinPrice, p.Id }, "ix_products_price").HasFilter(Listed);
            product.HasIndex(p => new { p.RatingAverage, p.Id }, "ix_products_rating").IsDescending(true, true).HasFilter(Listed);
            product.HasIndex(p => new { p.CreatedAt, p.Id }, "ix_products_newest").IsDescending(true, true).HasFilter(Listed);

            // A leaf category is an equality on category_id, so these give its first and deep pages in sort order.
            product.HasIndex(p => new { p.CategoryId, p.Popularity, p.Id }, "ix_products_category_popularity").IsDescending(false, true, true).HasFilter(Listed);
            product.HasIndex(p => new { p.CategoryId, p.MinPrice, p.Id }, "ix_products_category_price").HasFilter(Listed);
            product.HasIndex(p => new { p.CategoryId, p.RatingAverage, p.Id }, "ix_products_category_rating").IsDescending(false, true, true).HasFilter(Listed);
            product.HasIndex(p => new { p.CategoryId, p.CreatedAt, p.Id }, "ix_products_category_newest").IsDescending(false, true, true).HasFilter(Listed);

            if (!isPostgres)
            {
                product.HasIndex(p => p.CategoryPath, "ix_products_category_path");
                return;
            }

            // A subtree browse is a prefix match on the path; text_pattern_ops makes LIKE 'prefix%' an index range in any collation.
            product.HasIndex(p => p.CategoryPath, "ix_products_category_path").HasOperators("text_pattern_ops").HasFilter(Listed);

            product.Property<NpgsqlTsVector>("SearchVector")
                .HasColumnName(SearchVectorColumn)
                .HasComputedColumnSql(
                    "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || " +
                    "setweight(to_tsvector('simple', coalesce(brand_name, '')), 'B') || " +
                    "setweight(to_tsvector('simple', coalesce(attributes_text, '')), 'C') || " +
                    "setweight(to_tsvector('simple', coalesce(description_text, '')), 'D')",
                    stored: true);
            product.HasIndex("SearchVector").HasDatabaseName("ix_products_search_vector").HasMethod("gin");
            product.HasIndex(p => p.Attributes, "ix_products_attributes").HasMethod("gin").HasOperators("jsonb_path_ops");
        });

        if (isPostgres)
        {
            modelBuilder.HasPostgresExtension("pg_trgm");
            modelBuilder.Entity<SearchWord>(word =>
            {
                word.ToTable(SearchWords.Table);
                word.HasKey(w => w.Word);
                word.HasIndex(w => w.Word, "ix_search_words_word_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
            });
        }
    }
}
